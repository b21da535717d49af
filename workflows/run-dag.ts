/**
 * The DAG engine: one workflow run executes one DAG run.
 *
 * Deterministic by construction: scheduling decisions come from the pure RunScheduler,
 * every side effect is an activity, and time comes from the workflow clock.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { z } from 'zod';
import { formatDs, parseInstant } from '../core/dates';
import { intervalEndingAt, intervalStartingAt, latestCompletedInterval, type DataInterval } from '../core/intervals';
import { ENGINE_DEFAULTS, type DagDefinition, type RunSettings, type TaskOptionsBase, type TaskSpec } from '../core/model';
import { taskOptionProblems } from '../core/validate';
import { localTaskProblems } from '../core/local-tasks';
import { taskCall } from './activity-call';
import type { OutputRef, TaskInvocation } from '../core/output-ref';
import { isOutputRef } from '../core/output-ref';
import { viewRun, type RunHeader, type RunStatus, type RunView } from '../core/run-view';
import { RunScheduler, type CachedFrom, type Launch } from '../core/scheduler';
import { DAG_KEY, LOGICAL_DATE_KEY, SCHEDULED_START_KEY, TRIGGER_KEY } from '../core/search-attributes';
import type { EarlierRunsInput } from '../activities/builtin/run-gate';
import { recordRunOutcome } from './run-outcome';
import { recordRetryLineage, settleReused, startRetry, type RetryStart } from './reuse';

/** The workflow input, as the CLI sends it and as a person types it in the Web UI. */
export interface DagRunInput {
  params?: Record<string, unknown>;
  logicalDate?: string;
  /**
   * Task queues by role, from the starter's configuration (e.g. `{ml: TIDEFLOW_ML_TASK_QUEUE}`):
   * workflow code cannot read the environment, so the starter passes what it configures.
   */
  queues?: Record<string, string>;
  /** Re-run from failure (workflows/reuse.ts): the run to retry, and optionally the task to re-run from. */
  retryOf?: { workflowId: string; runId?: string };
  from?: string;
  /** 'refresh': recompute cached steps (README, Step caching). */
  cache?: 'refresh';
}

export const stateQuery = defineQuery<RunView>('state');

const inputSchema = z
  .strictObject({
    params: z.record(z.string(), z.unknown()).optional(),
    logicalDate: z.string().optional(),
    queues: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.string().min(1)).optional(),
    /** 'refresh': cached steps recompute (and rewrite the cache) in this run (`tideflow trigger --no-cache`). */
    cache: z.literal('refresh').optional(),
  })
  .optional();

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/**
 * The retraining controller adds `driftAlerts` and `modelName` to the params of every retrain it
 * starts, whatever the DAG; a DAG that does not declare them ignores them (any other unknown key
 * is an error). Only runs carrying `driftAlerts`, which nothing but the controller sets, qualify.
 */
function withoutUndeclaredControllerKeys(dag: DagDefinition, params: Record<string, unknown>): Record<string, unknown> {
  if (!('driftAlerts' in params) || !(dag.params instanceof z.ZodObject)) return params;
  const declared = new Set(Object.keys(dag.params.shape));
  return Object.fromEntries(Object.entries(params).filter(([k]) => declared.has(k) || !['driftAlerts', 'modelName'].includes(k)));
}

interface ParsedInput {
  params: unknown;
  logicalDate?: Date;
  settings: RunSettings;
}

function parseInput(dag: DagDefinition, raw: unknown): ParsedInput {
  const input = inputSchema.safeParse(raw ?? undefined);
  if (!input.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid input for DAG '${dag.id}': ${issuesText(input.error)}. Expected {"params": {...}, "logicalDate": "ISO-8601", "queues": {"ml": "<task queue>"}}, all optional.`,
      'InvalidRunInput',
    );
  }
  const params = dag.params.safeParse(withoutUndeclaredControllerKeys(dag, input.data?.params ?? {}));
  if (!params.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid params for DAG '${dag.id}': ${issuesText(params.error)}`,
      'InvalidParams',
      params.error.issues,
    );
  }
  const settings: RunSettings = { queues: input.data?.queues ?? {} };
  checkRunOptions(dag, params.data, settings);
  const rawDate = input.data?.logicalDate;
  if (rawDate === undefined) return { params: params.data, settings };
  const logicalDate = parseInstant(rawDate);
  if (!logicalDate) {
    throw ApplicationFailure.nonRetryable(
      `Invalid logicalDate '${rawDate}' for DAG '${dag.id}': expected an ISO-8601 date`,
      'InvalidRunInput',
    );
  }
  return { params: params.data, logicalDate, settings };
}

/** Options the params set must be valid before any task runs (a bad duration would otherwise fail mid-run). */
function checkRunOptions(dag: DagDefinition, params: unknown, settings: RunSettings): void {
  const problems: string[] = [];
  for (const spec of dag.tasks) {
    if (!spec.runOptions) continue;
    try {
      const run = runOptionsOf(spec, params, settings);
      taskOptionProblems(run, (m) => problems.push(`task '${spec.id}': ${m}`));
      for (const m of localTaskProblems(dag, spec, run)) problems.push(`task '${spec.id}': ${m}`);
    } catch (err) {
      problems.push(`task '${spec.id}': runOptions threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(`Invalid params for DAG '${dag.id}': ${problems.join('; ')}`, 'InvalidParams');
  }
}

/** Tag the run for the Web UI and `tideflow runs`; starters that already set the values cost nothing extra. */
function tagRun(dagId: string, logicalDate: Date, trigger: string): void {
  const current = workflowInfo().typedSearchAttributes;
  const updates = [];
  if (current.get(DAG_KEY) !== dagId) updates.push({ key: DAG_KEY, value: dagId });
  if (current.get(LOGICAL_DATE_KEY)?.getTime() !== logicalDate.getTime()) updates.push({ key: LOGICAL_DATE_KEY, value: logicalDate });
  if (current.get(TRIGGER_KEY) !== trigger) updates.push({ key: TRIGGER_KEY, value: trigger });
  if (updates.length > 0) upsertSearchAttributes(updates);
}

/** Options the run's params set for this task (its `runOptions` hook); unset values fall through. */
function runOptionsOf(spec: TaskSpec, params: unknown, settings: RunSettings): TaskOptionsBase {
  if (!spec.runOptions) return {};
  const set = spec.runOptions(params as never, settings) ?? {};
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as TaskOptionsBase;
}

function activityOptions(
  dag: DagDefinition,
  spec: TaskSpec,
  mapIndex: number | undefined,
  params: unknown,
  settings: RunSettings,
): ActivityOptions {
  const d = dag.defaults;
  const run = runOptionsOf(spec, params, settings);
  const retry = { ...ENGINE_DEFAULTS.retry, ...d.retry, ...spec.retry, ...run.retry };
  const options: ActivityOptions = {
    activityId: mapIndex === undefined ? spec.id : `${spec.id}[${mapIndex}]`,
    startToCloseTimeout:
      run.startToCloseTimeout ?? spec.startToCloseTimeout ?? d.startToCloseTimeout ?? ENGINE_DEFAULTS.startToCloseTimeout,
    retry: {
      maximumAttempts: retry.maxAttempts,
      initialInterval: retry.initialInterval,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maxInterval,
      ...(retry.nonRetryableErrorTypes && { nonRetryableErrorTypes: retry.nonRetryableErrorTypes }),
    },
  };
  const scheduleToClose = run.scheduleToCloseTimeout ?? spec.scheduleToCloseTimeout ?? d.scheduleToCloseTimeout;
  if (scheduleToClose !== undefined) options.scheduleToCloseTimeout = scheduleToClose;
  const heartbeat = run.heartbeatTimeout ?? spec.heartbeatTimeout ?? d.heartbeatTimeout;
  if (heartbeat !== undefined) options.heartbeatTimeout = heartbeat;
  const taskQueue = run.taskQueue ?? spec.taskQueue ?? d.taskQueue;
  if (taskQueue !== undefined) options.taskQueue = taskQueue;
  return options;
}

/** A readable error and the attempts it took, from what an activity call threw. */
function describeFailure(err: unknown, maxAttempts: number): { message: string; attempts: number } {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    const detail = cause instanceof ApplicationFailure ? (cause.details?.[0] as { tideflowAttempt?: number } | undefined) : undefined;
    const attempts = detail?.tideflowAttempt ?? (err.retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? maxAttempts : 1);
    if (cause instanceof CancelledFailure) return { message: 'cancelled', attempts };
    const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
    return { message: `${type}${cause?.message || err.message || 'activity failed'}`, attempts };
  }
  return { message: err instanceof Error ? err.message : String(err), attempts: 1 };
}

/**
 * Airflow 2 semantics: a scheduled run covers the cron interval ending at its nominal fire time
 * and its logical date is that interval's start; an explicit logical date is kept as given and
 * processes the interval containing it; a manual run without one takes the latest completed
 * interval. Unscheduled DAGs have an empty interval at the logical date.
 */
function resolveLogicalDate(
  dag: DagDefinition,
  given: Date | undefined,
  scheduledAt: Date | undefined,
  startedAt: Date,
): { logicalDate: Date; interval: DataInterval } {
  const s = dag.schedule;
  if (given) return { logicalDate: given, interval: s ? intervalStartingAt(s, given) : { start: given, end: given } };
  if (!s) {
    const at = scheduledAt ?? startedAt;
    return { logicalDate: at, interval: { start: at, end: at } };
  }
  const interval = scheduledAt ? intervalEndingAt(s, scheduledAt) : latestCompletedInterval(s, startedAt);
  return { logicalDate: interval.start, interval };
}

/** Execute one run of `dag`; resolves to the run summary, or fails naming the failed tasks. */
export async function runDag(dag: DagDefinition, rawInput?: unknown): Promise<RunView> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_KEY);
  const trigger = info.typedSearchAttributes.get(TRIGGER_KEY) ?? (scheduledAt ? 'schedule' : 'manual');
  let parsed: ReturnType<typeof parseInput>;
  let retry: RetryStart | undefined;
  try {
    retry = await startRetry(dag, rawInput);
    parsed = parseInput(dag, retry?.input ?? rawInput);
  } catch (err) {
    // Tag even a rejected run, so it shows up under its DAG in the Web UI.
    tagRun(dag.id, scheduledAt ?? new Date(info.startTime), trigger);
    throw err;
  }
  const { logicalDate, interval } = resolveLogicalDate(dag, parsed.logicalDate, scheduledAt, new Date(info.startTime));
  tagRun(dag.id, logicalDate, trigger);

  const header: RunHeader = {
    dagId: dag.id,
    workflowId: info.workflowId,
    runId: info.runId,
    trigger,
    logicalDate: logicalDate.toISOString(),
    ds: formatDs(logicalDate, dag.schedule?.timezone),
    dataIntervalStart: interval.start.toISOString(),
    dataIntervalEnd: interval.end.toISOString(),
    params: parsed.params,
    startedAt: new Date().toISOString(),
    ...(retry && { retryOf: retry.origin }),
  };
  const scheduler = new RunScheduler(dag, { params: parsed.params, logicalDate: header.logicalDate, ds: header.ds }, () =>
    new Date().toISOString(),
  );
  let status: RunStatus = 'running';
  let endedAt: string | undefined;
  setHandler(stateQuery, () => viewRun(header, scheduler, status, false, endedAt));
  if (dag.schedule?.maxActiveRuns !== undefined && trigger !== 'backfill') {
    status = 'queued';
    // The recorded start time, the one visibility compares: "earlier" is then a strict order, so
    // two queued runs can never each wait for the other.
    await waitForRunSlot(dag.id, dag.schedule.maxActiveRuns, header.workflowId, info.runStartTime.toISOString());
    status = 'running';
  }

  if (retry) await recordRetryLineage(header, retry);
  const specs = new Map(dag.tasks.map((t) => [t.id, t]));
  let cancelled = false;
  let finish!: () => void;
  const allDone = new Promise<void>((resolve) => (finish = resolve));

  // Launches happen right in the completion callbacks: no polling loop, no condition() pass,
  // few promises per task — the engine's cost per task stays close to a plain Temporal workflow's.
  const pump = (): void => {
    if (cancelled) return;
    for (const l of scheduler.poll()) launch(l);
    if (scheduler.isDone()) finish();
  };
  const launch = (l: Launch): void => {
    if (settleReused(retry, scheduler, l, pump)) return;
    const spec = specs.get(l.taskId) as TaskSpec;
    let options: ActivityOptions;
    try {
      options = activityOptions(dag, spec, l.mapIndex, header.params, parsed.settings);
    } catch (err) {
      // A runOptions hook that throws is a DAG bug: fail the task (after this poll pass) rather than the workflow task.
      const message = `runOptions of task '${spec.id}' threw: ${err instanceof Error ? err.message : String(err)}`;
      void Promise.resolve().then(() => {
        scheduler.fail(l, message, 0);
        pump();
      });
      return;
    }
    taskCall(
      dag,
      spec,
      options,
    )(invocation(header, scheduler, spec, l.mapIndex, (rawInput as DagRunInput | undefined)?.cache)).then(
      (result) => {
        noteCached(scheduler, l, result.cached);
        scheduler.succeed(l, result.output, result.attempt);
        pump();
      },
      (err: unknown) => {
        const failure = describeFailure(err, options.retry?.maximumAttempts ?? 1);
        scheduler.fail(l, failure.message, failure.attempts);
        pump();
      },
    );
  };

  pump();
  try {
    await Promise.race([allDone, CancellationScope.current().cancelRequested]);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    cancelled = true;
  }

  endedAt = new Date().toISOString();
  if (cancelled) {
    scheduler.abort('run cancelled');
    status = 'cancelled';
    throw new CancelledFailure(`DAG run of '${dag.id}' cancelled`);
  }
  const failedLeaves = scheduler.failedLeaves();
  status = failedLeaves.length > 0 ? 'failed' : 'success';
  await recordRunOutcome(header, status);
  const summary = viewRun(header, scheduler, status, true, endedAt);
  if (status === 'failed') {
    const failed = scheduler.failedTasks();
    const named =
      failed.length > 0
        ? failed.map((r) => `'${r.id}' (${r.error ?? 'failed'})`).join(', ')
        : failedLeaves.map((id) => `'${id}'`).join(', ');
    throw ApplicationFailure.nonRetryable(`DAG run of '${dag.id}' failed: task(s) ${named}`, 'DagRunFailed', summary);
  }
  return summary;
}

const { tideflowCountEarlierRuns } = proxyActivities<{ tideflowCountEarlierRuns: (i: EarlierRunsInput) => Promise<number> }>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/** Wait while `max` earlier runs of the DAG are running; checks back off from 2 s to 60 s to keep history small. */
async function waitForRunSlot(dagId: string, max: number, workflowId: string, startedAt: string): Promise<void> {
  for (let pause = 2_000; ; pause = Math.min(pause * 2, 60_000)) {
    const earlier = await tideflowCountEarlierRuns({ dagId, workflowId, startedAt });
    if (earlier < max) return;
    await sleep(pause);
  }
}

/** The activity argument: identity, params and the outputs it reads (direct upstreams and `reads`; refs stay refs). */
function invocation(
  header: RunHeader,
  scheduler: RunScheduler,
  spec: TaskSpec,
  mapIndex: number | undefined,
  cache?: 'refresh',
): TaskInvocation {
  const from = mapIndex === undefined ? undefined : spec.expand?.from;
  const upstream: Record<string, unknown> = {};
  for (const u of [...spec.upstream, ...(spec.reads ?? [])]) if (u !== from) upstream[u] = scheduler.record(u).output;
  const inv: TaskInvocation = {
    dagId: header.dagId,
    taskId: spec.id,
    workflowId: header.workflowId,
    runId: header.runId,
    logicalDate: header.logicalDate,
    ds: header.ds,
    dataIntervalStart: header.dataIntervalStart,
    dataIntervalEnd: header.dataIntervalEnd,
    params: header.params,
    upstream,
    ...(cache !== undefined && { cache }),
  };
  if (mapIndex !== undefined && from !== undefined) {
    // Send one item, not the whole list, so a wide fan-out does not multiply history size.
    const source = scheduler.record(from).output;
    inv.map = isOutputRef(source)
      ? { index: mapIndex, itemRef: source as OutputRef }
      : { index: mapIndex, item: (source as unknown[])[mapIndex] };
  }
  return inv;
}

/**
 * A step-cache hit (activities/cache) marks the task `cached` with the run it came from; a mapped
 * task only while every instance so far was a hit. State only: no command, so histories replay as before.
 */
function noteCached(scheduler: RunScheduler, l: Launch, cached: CachedFrom | undefined): void {
  const rec = scheduler.record(l.taskId);
  const first = l.mapIndex === undefined || (rec.mapped?.succeeded ?? 0) === 0;
  if (cached && (first || rec.cached?.via === 'cache')) rec.cached = cached;
  else if (rec.cached?.via === 'cache') delete rec.cached;
}
