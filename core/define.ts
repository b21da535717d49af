/**
 * `defineDag`: the typed way to write a DAG.
 *
 * Tasks are declared in order through a builder; each returns a handle whose type carries
 * the task's output type, so `input` functions see their upstreams' outputs typed and a
 * wrong wiring (an input of the wrong shape, an unknown activity) is a compile error.
 * String ids are accepted too (for forward references), typed as `unknown`.
 */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { ENGINE_DEFAULTS } from './model';
import type {
  BranchChoice,
  DagDefinition,
  InputContext,
  InputFn,
  MapInputContext,
  ScheduleSpec,
  SelectorContext,
  TaskOptionsBase,
  TaskSpec,
} from './model';

/** A handle on a declared task; `O` is its output type as seen downstream. */
export interface TaskRef<Id extends string = string, O = unknown> {
  readonly id: Id;
  /** Phantom field carrying the output type; never set at run time. */
  readonly __output?: O;
}

export type Ref = TaskRef<string, unknown> | string;

/** Any activity function: `(input, ctx) => Promise<output>`. */
type AnyActivity = (...args: never[]) => Promise<unknown>;
type ActivityInput<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : undefined;
type ActivityOutput<F> = F extends (...args: never[]) => Promise<infer O> ? O : never;

type RefId<R> = R extends TaskRef<infer Id, unknown> ? Id : R extends string ? R : never;
type RefOutput<R> = R extends TaskRef<string, infer O> ? O : unknown;
/** `{ [upstream id]: upstream output }` for a list of upstream refs. */
export type UpstreamOutputs<U extends readonly Ref[]> = { [R in U[number] as RefId<R>]: RefOutput<R> };

type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

/** `input` is required exactly when the activity takes an input. */
type InputOption<I, Ctx> = undefined extends I ? { input?: (ctx: Ctx) => I } : { input: (ctx: Ctx) => I };

interface SelectorOptions<Out, P> {
  /** Choose which direct downstream task(s) to follow; the others are skipped. */
  branch?: (output: Out, ctx: SelectorContext<P>) => BranchChoice;
  /** Return false to skip what follows (Airflow's ShortCircuitOperator). */
  shortCircuit?: (output: Out, ctx: SelectorContext<P>) => boolean;
  /** With shortCircuit: true (default) skips every descendant; false skips only direct downstreams. */
  ignoreDownstreamTriggerRules?: boolean;
}

export type ActivityTaskOptions<Acts, A extends keyof Acts, P, U extends readonly Ref[]> = TaskOptionsBase &
  SelectorOptions<ActivityOutput<Acts[A]>, P> & {
    activity: A;
    upstream?: U;
  } & InputOption<ActivityInput<Acts[A]>, InputContext<P, UpstreamOutputs<U>>>;

export type MapTaskOptions<
  Acts,
  A extends keyof Acts,
  P,
  S extends TaskRef<string, readonly unknown[]>,
  U extends readonly Ref[],
> = TaskOptionsBase & {
  activity: A;
  /** The upstream whose list output is fanned out, one task instance per item. */
  over: S;
  /** At most this many instances of this task run at once (the DAG's maxActiveTasks still applies). */
  maxParallel?: number;
  upstream?: U;
} & InputOption<ActivityInput<Acts[A]>, MapInputContext<P, UpstreamOutputs<U>, ElementOf<RefOutput<S>>>>;

/** An empty task's selectors see its upstreams' outputs, since it has none of its own. */
export type EmptyTaskOptions<P, U extends readonly Ref[]> = TaskOptionsBase & SelectorOptions<UpstreamOutputs<U>, P> & { upstream?: U };

export interface DagBuilder<Acts, P> {
  /** A task that runs one activity. */
  task<Id extends string, A extends keyof Acts & string, const U extends readonly Ref[] = []>(
    id: Id,
    options: ActivityTaskOptions<Acts, A, P, U>,
  ): TaskRef<Id, ActivityOutput<Acts[A]>>;
  /** A task run once per item of an upstream list (dynamic fan-out); downstream sees the list of outputs. */
  map<Id extends string, A extends keyof Acts & string, S extends TaskRef<string, readonly unknown[]>, const U extends readonly Ref[] = []>(
    id: Id,
    options: MapTaskOptions<Acts, A, P, S, U>,
  ): TaskRef<Id, ActivityOutput<Acts[A]>[]>;
  /** A task with no activity: a join or a branch point, settled inside the workflow at no cost. */
  empty<Id extends string, const U extends readonly Ref[] = []>(id: Id, options?: EmptyTaskOptions<P, U>): TaskRef<Id, undefined>;
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
  upstream?: readonly Ref[];
  input?: (ctx: never) => unknown;
  over?: Ref;
  maxParallel?: number;
  branch?: (output: never, ctx: never) => BranchChoice;
  shortCircuit?: (output: never, ctx: never) => boolean;
  ignoreDownstreamTriggerRules?: boolean;
}

const refId = (ref: Ref): string => (typeof ref === 'string' ? ref : ref.id);

function toTaskSpec(id: string, o: LooseTaskOptions): TaskSpec {
  const upstream = (o.upstream ?? []).map(refId);
  // The fanned-out list is an upstream too: the task waits for it like any other.
  if (o.over !== undefined && !upstream.includes(refId(o.over))) upstream.unshift(refId(o.over));
  const spec: TaskSpec = { id, upstream };
  const copied: (keyof TaskOptionsBase)[] = [
    'description',
    'retry',
    'startToCloseTimeout',
    'scheduleToCloseTimeout',
    'heartbeatTimeout',
    'taskQueue',
    'triggerRule',
  ];
  for (const key of copied) if (o[key] !== undefined) Object.assign(spec, { [key]: o[key] });
  if (o.activity !== undefined) spec.activity = o.activity;
  if (o.input) spec.input = o.input as InputFn;
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
    const add = (id: string, o: LooseTaskOptions): TaskRef<string, never> => {
      tasks.push(toTaskSpec(id, o));
      return { id };
    };
    const builder = {
      task: (id: string, o: LooseTaskOptions) => add(id, o),
      map: (id: string, o: LooseTaskOptions) => add(id, o),
      empty: (id: string, o: LooseTaskOptions = {}) => add(id, { ...o, activity: undefined }),
    };
    build(builder as unknown as DagBuilder<Acts, z.output<S>>);
    return {
      id: options.id,
      ...(options.description !== undefined && { description: options.description }),
      tags: options.tags ?? [],
      params: (options.params ?? z.object({})) as z.ZodType<z.output<S>>,
      ...(options.schedule !== undefined && { schedule: options.schedule }),
      maxActiveTasks: options.maxActiveTasks ?? ENGINE_DEFAULTS.maxActiveTasks,
      defaults: options.defaults ?? {},
      tasks,
    };
  };
}

export type { Duration };
