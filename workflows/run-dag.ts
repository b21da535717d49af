/**
 * The DAG engine: one workflow run executes one DAG run.
 *
 * Deterministic by construction: scheduling decisions come from the pure RunScheduler,
 * every side effect is an activity, and time comes from the workflow clock.
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  defineQuery,
  isCancellation,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { formatDs } from '../core/dates';
import type { DagDefinition, TaskSpec } from '../core/model';
import { taskCall } from './activity-call';
import { viewRun, type RunHeader, type RunStatus, type RunView } from '../core/run-view';
import { RunScheduler, type Launch } from '../core/scheduler';
import { SCHEDULED_START_KEY, TRIGGER_KEY } from '../core/search-attributes';
import { recordRunOutcome } from './run-outcome';
import { recordRetryLineage, settleReused, startRetry, type RetryStart } from './reuse';
import { parseInput, type DagRunInput } from './run-input';
import { resolveLogicalDate, tagRun } from './run-identity';
import { waitForRunSlot } from './run-slot';
import { activityOptions } from './task-options';
import { describeFailure, invocation, noteCached } from './task-invocation';

export type { DagRunInput } from './run-input';

export const stateQuery = defineQuery<RunView>('state');

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
