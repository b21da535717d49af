/**
 * The typed surface of `defineDag`: task handles, the builder and the options of each kind of
 * task. Types only — what makes a wrong wiring a compile error; ./define.ts builds the DAG.
 */
import type { z } from 'zod';
import type { Fields, Ref, RefValue, Resolved, Template } from './input-refs';
import type {
  BranchChoice,
  InputContext,
  MapInputContext,
  RunIdentity,
  ScheduleSpec,
  SelectorContext,
  RunSettings,
  TaskOptionsBase,
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
export type AnyActivity = (...args: never[]) => Promise<unknown>;
export type ActivityInput<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : undefined;
export type ActivityOutput<F> = F extends (...args: never[]) => Promise<infer O> ? O : never;

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

/** The run values a template can reference through `dag.run`: the run's identity and dates. */
export type RunValues = Omit<RunIdentity, 'taskId' | 'params'>;

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
