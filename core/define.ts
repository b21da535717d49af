/**
 * `defineDag`: the typed way to write a DAG.
 *
 * Tasks are declared in order through a builder; each returns a handle whose type carries
 * the task's output type. A task's `input` is a template that references what it reads —
 * handles (`train`), their fields (`train.out.model`), params (`dag.params.seed`), run values
 * (`dag.run.ds`), the mapped item (`dag.item(list)`) or values computed from those
 * (`dag.compute`) — and its upstream tasks are the ones it references; `upstream` is only
 * for ordering without data. A wrong wiring (an input of the wrong shape, an unknown activity)
 * is a compile error. The older form, `upstream` plus an `input` function reading
 * `ctx.upstream`, still works.
 */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import {
  computeRef,
  fieldsOf,
  REF_KEY,
  referencedTasks,
  refNode,
  resolveTemplate,
  type Fields,
  type Ref,
  type RefNode,
  type RefValue,
  type Resolved,
  type Template,
} from './input-refs';
import { ENGINE_DEFAULTS } from './model';
import { strictParams } from './strict-params';
import type {
  BranchChoice,
  DagDefinition,
  InputContext,
  InputFn,
  MapInputContext,
  ScheduleSpec,
  SelectorContext,
  RunOptionsFn,
  RunSettings,
  TaskOptionsBase,
  TaskSpec,
} from './model';

/** A handle on a declared task; `O` is its output type as seen downstream. Used in a template, it reads the whole output. */
export interface TaskRef<Id extends string = string, O = unknown> extends Ref<O> {
  readonly id: Id;
  /** References to the output's fields, for templates: `train.out.model`. */
  readonly out: Fields<O>;
}

/** An explicit upstream: a handle or a task id. */
export type Upstream = TaskRef<string, unknown> | string;

/** Any activity function: `(input, ctx) => Promise<output>`. */
type AnyActivity = (...args: never[]) => Promise<unknown>;
type ActivityInput<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : undefined;
type ActivityOutput<F> = F extends (...args: never[]) => Promise<infer O> ? O : never;

type RefId<R> = R extends TaskRef<infer Id, unknown> ? Id : R extends string ? R : never;
type RefOutput<R> = R extends TaskRef<string, infer O> ? O : unknown;
/** `{ [upstream id]: upstream output }` for a list of upstream refs. */
export type UpstreamOutputs<U extends readonly Upstream[]> = { [R in U[number] as RefId<R>]: RefOutput<R> };

type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

/** A template whose references are found at definition time, or a function of the context (with `upstream` listed). */
type InputSpec<I, Ctx> = ((ctx: Ctx) => I) | Template<I>;
/** `input` is required exactly when the activity takes an input. */
type InputOption<I, Ctx> = undefined extends I ? { input?: InputSpec<I, Ctx> } : { input: InputSpec<I, Ctx> };

/** Options the run's params may set (raise a timeout, pick a task queue); evaluated in the workflow, so pure. */
interface RunOptionsOption<P> {
  runOptions?: (params: P, run: RunSettings) => TaskOptionsBase | undefined;
}

interface SelectorOptions<Out, P> {
  /** Choose which direct downstream task(s) to follow; the others are skipped. */
  branch?: (output: Out, ctx: SelectorContext<P>) => BranchChoice;
  /** Return false to skip what follows (Airflow's ShortCircuitOperator). */
  shortCircuit?: (output: Out, ctx: SelectorContext<P>) => boolean;
  /** With shortCircuit: true (default) skips every descendant; false skips only direct downstreams. */
  ignoreDownstreamTriggerRules?: boolean;
}

export type ActivityTaskOptions<Acts, A extends keyof Acts, P, U extends readonly Upstream[]> = TaskOptionsBase &
  RunOptionsOption<P> &
  SelectorOptions<ActivityOutput<Acts[A]>, P> & {
    activity: A;
    upstream?: U;
  } & InputOption<ActivityInput<Acts[A]>, InputContext<P, UpstreamOutputs<U>>>;

export type MapTaskOptions<
  Acts,
  A extends keyof Acts,
  P,
  S extends TaskRef<string, readonly unknown[]>,
  U extends readonly Upstream[],
> = TaskOptionsBase &
  RunOptionsOption<P> & {
    activity: A;
    /** The upstream whose list output is fanned out, one task instance per item. */
    over: S;
    /** At most this many instances of this task run at once (the DAG's maxActiveTasks still applies). */
    maxParallel?: number;
    upstream?: U;
  } & InputOption<ActivityInput<Acts[A]>, MapInputContext<P, UpstreamOutputs<U>, ElementOf<RefOutput<S>>>>;

/**
 * An empty task runs in the workflow. With an `input` template, its output is that template
 * resolved (e.g. a gate's decision, computed once and read downstream) and its selectors see it;
 * without, its selectors see its upstreams' outputs.
 */
export type EmptyTaskOptions<P, U extends readonly Upstream[], T> = TaskOptionsBase &
  SelectorOptions<[T] extends [undefined] ? UpstreamOutputs<U> : Resolved<T>, P> & { upstream?: U; input?: T };

/** The run values a template can reference through `dag.run`. */
export interface RunValues {
  dagId: string;
  workflowId: string;
  runId: string;
  logicalDate: string;
  ds: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
}

export interface DagBuilder<Acts, P> {
  /** References to the run's params, for templates: `dag.params.seed`. */
  readonly params: Fields<P>;
  /** References to the run's identity and dates, for templates: `dag.run.ds`. */
  readonly run: Fields<RunValues>;
  /** In a task mapped over `list`, a reference to the item the instance handles. */
  item<O extends readonly unknown[]>(list: TaskRef<string, O>): Fields<ElementOf<O>>;
  /** A value computed from references (and the run's params and dates), when the input needs more than a field. */
  compute<R, T>(ref: Ref<R>, fn: (value: R, ctx: RunValues & { params: P }) => T): Ref<T>;
  compute<const R extends readonly Ref<unknown>[], T>(
    refs: R,
    fn: (values: { -readonly [K in keyof R]: RefValue<R[K]> }, ctx: RunValues & { params: P }) => T,
  ): Ref<T>;
  /** A task that runs one activity. */
  task<Id extends string, A extends keyof Acts & string, const U extends readonly Upstream[] = []>(
    id: Id,
    options: ActivityTaskOptions<Acts, A, P, U>,
  ): TaskRef<Id, ActivityOutput<Acts[A]>>;
  /** A task run once per item of an upstream list (dynamic fan-out); downstream sees the list of outputs. */
  map<
    Id extends string,
    A extends keyof Acts & string,
    S extends TaskRef<string, readonly unknown[]>,
    const U extends readonly Upstream[] = [],
  >(
    id: Id,
    options: MapTaskOptions<Acts, A, P, S, U>,
  ): TaskRef<Id, ActivityOutput<Acts[A]>[]>;
  /** A task with no activity: a join or a branch point, settled inside the workflow at no cost. */
  empty<Id extends string, const U extends readonly Upstream[] = [], T = undefined>(
    id: Id,
    options?: EmptyTaskOptions<P, U, T>,
  ): TaskRef<Id, [T] extends [undefined] ? undefined : Resolved<T>>;
}

export interface DagOptions<S extends z.ZodType> {
  id: string;
  description?: string;
  tags?: string[];
  /** zod schema of the params; give every field a default so scheduled runs can use them. */
  params?: S;
  schedule?: ScheduleSpec;
  maxActiveTasks?: number;
  /** Defaults for every task's options (Airflow's default_args). */
  defaults?: TaskOptionsBase;
}

/** The loosely typed options every builder method funnels into. */
interface LooseTaskOptions extends TaskOptionsBase {
  activity?: string;
  upstream?: readonly Upstream[];
  input?: unknown;
  runOptions?: RunOptionsFn;
  over?: Upstream;
  maxParallel?: number;
  branch?: (output: never, ctx: never) => BranchChoice;
  shortCircuit?: (output: never, ctx: never) => boolean;
  ignoreDownstreamTriggerRules?: boolean;
}

const refId = (ref: Upstream): string => (typeof ref === 'string' ? ref : ref.id);

/** The worker-side input function: a function as given, or a template resolved against the context. */
function inputFn(input: unknown): InputFn | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'function') return input as InputFn;
  return (ctx) => resolveTemplate(input, ctx);
}

/**
 * Edges from what a task reads: a referenced task is an upstream, unless it is already an
 * ancestor of another upstream — then it is only read (`reads`). So a task reading a branch
 * point's output through a chosen path (report reading the gate's decision after register or
 * rejected) is not a direct downstream of the branch, which would skip it.
 */
function dependencies(explicit: string[], referenced: string[], ancestors: (id: string) => ReadonlySet<string>) {
  const candidates = [...explicit, ...referenced.filter((r) => !explicit.includes(r))];
  const implied = (id: string) => candidates.some((other) => other !== id && ancestors(other).has(id));
  const upstream = candidates.filter((c) => explicit.includes(c) || !implied(c));
  const reads = candidates.filter((c) => !upstream.includes(c));
  return { upstream, reads };
}

function toTaskSpec(id: string, o: LooseTaskOptions, ancestors: (id: string) => ReadonlySet<string>): TaskSpec {
  const explicit = (o.upstream ?? []).map(refId);
  // The fanned-out list is an upstream too: the task waits for it like any other.
  if (o.over !== undefined && !explicit.includes(refId(o.over))) explicit.unshift(refId(o.over));
  const referenced = typeof o.input === 'function' ? [] : referencedTasks(o.input);
  const { upstream, reads } = dependencies(explicit, referenced, ancestors);
  const spec: TaskSpec = { id, upstream, ...(reads.length > 0 && { reads }) };
  const copied: (keyof TaskOptionsBase)[] = [
    'description',
    'retry',
    'startToCloseTimeout',
    'scheduleToCloseTimeout',
    'heartbeatTimeout',
    'taskQueue',
    'triggerRule',
    'local',
    'cache',
    'pure',
  ];
  for (const key of copied) if (o[key] !== undefined) Object.assign(spec, { [key]: o[key] });
  if (o.activity !== undefined) spec.activity = o.activity;
  const input = inputFn(o.input);
  if (input) spec.input = input;
  if (o.runOptions) spec.runOptions = o.runOptions;
  if (o.over !== undefined) spec.expand = { from: refId(o.over), ...(o.maxParallel !== undefined && { maxParallel: o.maxParallel }) };
  if (o.branch) spec.branch = o.branch as TaskSpec['branch'];
  if (o.shortCircuit) {
    spec.shortCircuit = {
      predicate: o.shortCircuit as NonNullable<TaskSpec['shortCircuit']>['predicate'],
      ignoreDownstreamTriggerRules: o.ignoreDownstreamTriggerRules ?? true,
    };
  }
  return spec;
}

/**
 * Bind `defineDag` to a set of activities (their types only: DAG files stay importable
 * by deterministic workflow code). Usage: `export const defineDag = createDagDefiner<Activities>()`.
 */
export function createDagDefiner<Acts extends Record<string, AnyActivity>>() {
  return function defineDag<S extends z.ZodType = z.ZodObject<Record<string, never>>>(
    options: DagOptions<S>,
    build: (dag: DagBuilder<Acts, z.output<S>>) => void,
  ): DagDefinition<z.output<S>> {
    const tasks: TaskSpec[] = [];
    // Tasks are declared after what they reference, so each one's ancestors are known when it is added.
    const ancestorsOf = new Map<string, Set<string>>();
    const ancestors = (id: string): ReadonlySet<string> => ancestorsOf.get(id) ?? new Set();
    const add = (id: string, o: LooseTaskOptions): TaskRef<string, unknown> => {
      const spec = toTaskSpec(id, o, ancestors);
      tasks.push(spec);
      ancestorsOf.set(id, new Set(spec.upstream.flatMap((u) => [u, ...ancestors(u)])));
      return handle(id);
    };
    const builder = {
      params: fieldsOf({ kind: 'run', path: ['params'] }),
      run: fieldsOf({ kind: 'run', path: [] }),
      item: (list: TaskRef) => fieldsOf({ kind: 'item', over: list.id, path: [] }),
      compute: (refs: Ref<unknown> | readonly Ref<unknown>[], fn: (values: never, ctx: never) => unknown) => {
        const single = !Array.isArray(refs);
        const list = (single ? [refs] : refs) as readonly Ref<unknown>[];
        return computeRef(list.map(nodeOf), single, fn);
      },
      task: (id: string, o: LooseTaskOptions) => add(id, o),
      map: (id: string, o: LooseTaskOptions) => add(id, o),
      empty: (id: string, o: LooseTaskOptions = {}) => add(id, { ...o, activity: undefined }),
    };
    build(builder as unknown as DagBuilder<Acts, z.output<S>>);
    return {
      id: options.id,
      ...(options.description !== undefined && { description: options.description }),
      tags: options.tags ?? [],
      // Unknown keys are rejected at every level, naming the nearest known key.
      params: strictParams(options.params ?? z.object({})) as z.ZodType<z.output<S>>,
      ...(options.schedule !== undefined && { schedule: options.schedule }),
      maxActiveTasks: options.maxActiveTasks ?? ENGINE_DEFAULTS.maxActiveTasks,
      defaults: options.defaults ?? {},
      tasks,
    };
  };
}

function nodeOf(ref: Ref<unknown>): RefNode {
  const node = refNode(ref);
  if (!node) throw new TypeError('dag.compute takes references (handles, their fields, dag.params, dag.run, dag.item)');
  return node;
}

/** A handle: the whole output as a reference, plus references to its fields. */
function handle(id: string): TaskRef<string, unknown> {
  const whole = fieldsOf<unknown>({ kind: 'task', task: id, path: [] });
  return Object.freeze({ id, out: whole, [REF_KEY]: refNode(whole) }) as unknown as TaskRef<string, unknown>;
}

export type { Duration };
