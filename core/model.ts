/**
 * The DAG model: plain data plus a few pure functions (input mapping, branch choice).
 *
 * A DagDefinition is what every other part reads: the workflow engine runs it, the worker
 * resolves task inputs from it, the CLI lists it. It is built by `defineDag` (./define.ts)
 * and validated once at load (./validate.ts).
 */
import type { Duration } from '@temporalio/common';
import type { z } from 'zod';
import type { TriggerRule } from './trigger-rules';

/** Temporal's retry policy, named as DAG authors know it. */
export interface RetrySpec {
  /** Total attempts including the first; 1 = no retry. */
  maxAttempts?: number;
  initialInterval?: Duration;
  backoffCoefficient?: number;
  maxInterval?: Duration;
  /** Error types (the thrown error's `name`, or ApplicationFailure `type`) never retried. */
  nonRetryableErrorTypes?: string[];
}

/** Options every task has; DAG-level `defaults` supply the unset ones (Airflow's default_args). */
export interface TaskOptionsBase {
  description?: string;
  retry?: RetrySpec;
  /** Caps each attempt (Airflow's execution_timeout). */
  startToCloseTimeout?: Duration;
  /** Caps all attempts together, retries included. */
  scheduleToCloseTimeout?: Duration;
  /** A long task must heartbeat within this; needed to detect a dead worker quickly and to cancel. */
  heartbeatTimeout?: Duration;
  taskQueue?: string;
  triggerRule?: TriggerRule;
  /**
   * Run the activity as a Temporal local activity, inside the workflow task of the worker that
   * runs the workflow: no server round trip per task. Only for short work (see ./local-tasks.ts
   * for the limits, checked at load); not settable per run.
   */
  local?: boolean;
  /**
   * Step caching (./cache-tasks.ts): reuse the output of an earlier run whose key (activity,
   * this version, Tideflow's version, the resolved input and the sha256 of every artifact it
   * references) matches; `false` opts a task out of a DAG-wide default. Checked at load.
   */
  cache?: CacheSpec | false;
  /** Declares that a command step (runCommand) has no side effects, so it may be cached. */
  pure?: boolean;
}

/** `cache: { version: '2', maxAge: '7d' }`: bump `version` when the step's code changes meaning. */
export interface CacheSpec {
  version: string;
  /** Entries older than this are misses (recomputed and replaced): '7d', '12 hours', '30m'. */
  maxAge?: Duration;
}

/** Which run and task a piece of work belongs to, and the run's dates and params. */
export interface RunIdentity<P = unknown> {
  dagId: string;
  taskId: string;
  workflowId: string;
  runId: string;
  /** ISO-8601 instant. */
  logicalDate: string;
  /** Logical date as YYYY-MM-DD (UTC unless the DAG has a schedule timezone). */
  ds: string;
  /** The data interval [start, end) the run covers, ISO-8601. */
  dataIntervalStart: string;
  dataIntervalEnd: string;
  params: P;
}

/** What a task's `input` function (run on the worker, just before the activity) receives. */
export interface InputContext<P = unknown, U = Record<string, unknown>> extends RunIdentity<P> {
  /** Outputs of the direct upstream tasks, by task id (large ones already fetched from S3). */
  upstream: U;
}

export interface MapInputContext<P = unknown, U = Record<string, unknown>, I = unknown> extends InputContext<P, U> {
  /** The list item this instance handles. */
  item: I;
  mapIndex: number;
}

/** What branch and short-circuit selectors (run in the workflow) receive alongside the output. */
export interface SelectorContext<P = unknown> {
  params: P;
  logicalDate: string;
  ds: string;
}

export type BranchChoice = string | readonly string[] | null | undefined;

/** Loosely typed function shapes stored in the model; `define.ts` gives authors precise types. */
export type InputFn = (ctx: MapInputContext) => unknown;
export type BranchFn = (output: unknown, ctx: SelectorContext) => BranchChoice;
export type ShortCircuitFn = (output: unknown, ctx: SelectorContext) => boolean;
/** What a run's starter configured besides params: task queues by role (e.g. `ml` from TIDEFLOW_ML_TASK_QUEUE). */
export interface RunSettings {
  queues: Record<string, string>;
}

/** Per-run option overrides from the run's params and settings (evaluated in the workflow: pure and deterministic). */
export type RunOptionsFn = (params: never, run: RunSettings) => TaskOptionsBase | undefined;

export interface TaskSpec extends TaskOptionsBase {
  id: string;
  /** Activity type to run; absent for an empty task (a join or branch point run in the workflow). */
  activity?: string;
  upstream: string[];
  /** Tasks whose outputs the input reads without a direct edge, as they are already ancestors (see task-spec.ts). */
  reads?: string[];
  /** Builds the activity's input on the worker; for an empty task, its output, computed in the workflow. */
  input?: InputFn;
  /** Options the run's params set, over the task's own (e.g. a longer timeout a param asks for). */
  runOptions?: RunOptionsFn;
  /** Run once per item of this upstream's list output (Airflow's expand). */
  expand?: { from: string; maxParallel?: number };
  /** After success: which direct downstream tasks to follow; the others are skipped. */
  branch?: BranchFn;
  /** After success: when false, skip downstream (all descendants unless trigger rules are honoured). */
  shortCircuit?: { predicate: ShortCircuitFn; ignoreDownstreamTriggerRules: boolean };
}

export interface ScheduleSpec {
  /** Five-field cron expression, or a preset such as @daily. */
  cron: string;
  /** IANA timezone the cron is read in; default UTC. */
  timezone?: string;
  startDate?: string;
  endDate?: string;
  catchup?: boolean;
  /**
   * At most this many runs of the DAG at once (Airflow's max_active_runs): manual and scheduled
   * runs over the limit wait as 'queued'; backfills and catchup use it as their default max-active.
   */
  maxActiveRuns?: number;
  /**
   * What the Temporal Schedule does when a fire time comes while a scheduled run is still
   * running (default 'skip': scheduled runs never overlap).
   */
  overlap?: 'skip' | 'buffer_one' | 'buffer_all' | 'cancel_other' | 'terminate_other' | 'allow_all';
}

export interface DagDefinition<P = unknown> {
  id: string;
  description?: string;
  tags: string[];
  /** zod schema of the run's params; defaults apply when a param is omitted. */
  params: z.ZodType<P>;
  schedule?: ScheduleSpec;
  /** At most this many task instances (mapped ones included) run at once. */
  maxActiveTasks: number;
  /** Task option defaults (Airflow's default_args). */
  defaults: TaskOptionsBase;
  /** In definition order (which is also the tie-break when several tasks are ready). */
  tasks: TaskSpec[];
}

/** Engine defaults for anything neither the task nor the DAG sets. */
export const ENGINE_DEFAULTS = {
  maxActiveTasks: 16,
  startToCloseTimeout: '1 hour',
  retry: { maxAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2, maxInterval: '5 minutes' },
  triggerRule: 'all_success',
} as const satisfies { maxActiveTasks: number; startToCloseTimeout: Duration; retry: RetrySpec; triggerRule: TriggerRule };
