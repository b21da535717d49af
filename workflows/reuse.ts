/**
 * Re-run from failure, in the workflow: a run started with `retryOf` (the CLI's `runs retry`,
 * a person in the Web UI, `backfill --resume`) first asks the worker for the original run's
 * summary with its artifacts verified (activities/retry.ts), plans what to reuse
 * (./retry-plan.ts), then runs like any other run of the same logical date and params, except
 * that a reused task is settled as success with the original's output and `cached: {via: 'retry'}`
 * instead of being scheduled.
 *
 * Replay: only runs whose input has `retryOf` take this path, and no history recorded before it
 * has one, so existing histories replay unchanged; the `retry-reuse` patch marker records which
 * runs this code made, should the reuse steps ever change.
 */
import { ActivityFailure, ApplicationFailure, log, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { z } from 'zod';
import type { DagDefinition } from '../core/model';
import type { RunHeader } from '../core/run-view';
import type { Launch, RunScheduler } from '../core/scheduler';
import type { RetryActivities } from '../activities/retry';
import { planRetry, RetryPlanError, type OriginalRun, type RetryOrigin, type RetryPlan } from './retry-plan';

export const RETRY_REUSE_PATCH = 'retry-reuse';

const { tideflowResolveRetry } = proxyActivities<RetryActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});
const { tideflowRecordRetryLineage } = proxyLocalActivities<RetryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const retryInput = z.object({
  retryOf: z.strictObject({ workflowId: z.string().min(1), runId: z.string().min(1).optional() }).optional(),
  from: z.string().min(1).optional(),
});

export interface RetryStart {
  origin: RetryOrigin;
  from?: string;
  plan: RetryPlan;
  artifacts: NonNullable<OriginalRun['artifacts']>;
  /** The run's input: the original's logical date, its params under the given ones. */
  input: Record<string, unknown>;
}

const invalid = (dag: DagDefinition, message: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(`Invalid retry of DAG '${dag.id}': ${message}`, 'InvalidRetry');

function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Undefined, with no command, for a run that is not a retry. */
export async function startRetry(dag: DagDefinition, raw: unknown): Promise<RetryStart | undefined> {
  if (typeof raw !== 'object' || raw === null || !('retryOf' in raw || 'from' in raw)) return undefined;
  const parsed = retryInput.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw invalid(dag, `${issues}. Expected {"retryOf": {"workflowId": "<id>", "runId": "<optional>"}, "from": "<optional task>"}`);
  }
  const { retryOf, from } = parsed.data;
  if (!retryOf) throw invalid(dag, `"from" names where a retry re-runs from; give the run to retry in "retryOf": {"workflowId": "<id>"}`);
  patched(RETRY_REUSE_PATCH);
  let original: OriginalRun;
  try {
    original = await tideflowResolveRetry({
      dagId: dag.id,
      workflowId: retryOf.workflowId,
      ...(retryOf.runId && { runId: retryOf.runId }),
    });
  } catch (err) {
    throw invalid(dag, messageOf(err));
  }
  let plan: RetryPlan;
  try {
    plan = planRetry(dag, original, from);
  } catch (err) {
    if (err instanceof RetryPlanError) throw invalid(dag, err.message);
    throw err;
  }
  const { retryOf: _retryOf, from: _from, ...rest } = raw as Record<string, unknown>;
  if (rest.logicalDate !== undefined && Date.parse(String(rest.logicalDate)) !== Date.parse(original.logicalDate))
    throw invalid(
      dag,
      `a retry keeps the original run's logical date (${original.logicalDate}), got logicalDate '${String(rest.logicalDate)}'`,
    );
  const given = rest.params;
  const params =
    typeof given === 'object' && given !== null && !Array.isArray(given)
      ? { ...(original.params as Record<string, unknown>), ...given }
      : (given ?? original.params);
  return {
    origin: { workflowId: original.workflowId, runId: original.runId },
    ...(from !== undefined && { from }),
    plan,
    artifacts: original.artifacts ?? {},
    input: { ...rest, params, logicalDate: original.logicalDate },
  };
}

/** Record the lineage in the run manifest; a store outage only costs that record (a warning). */
export async function recordRetryLineage(header: RunHeader, retry: RetryStart): Promise<void> {
  const { dagId, workflowId, runId, logicalDate, dataIntervalStart, dataIntervalEnd, params } = header;
  try {
    await tideflowRecordRetryLineage({
      run: { dagId, workflowId, runId, logicalDate, dataIntervalStart, dataIntervalEnd, params },
      retryOf: retry.origin,
      ...(retry.from !== undefined && { from: retry.from }),
      reused: Object.entries(retry.plan.reuse).map(([taskId, r]) => ({
        taskId,
        cached: { via: 'retry' as const, workflowId: r.cached.workflowId, runId: r.cached.runId },
        artifacts: retry.artifacts[taskId] ?? [],
      })),
    });
  } catch (err) {
    log.warn('retry lineage not recorded in the run manifest', { error: messageOf(err) });
  }
}

/**
 * Settle a launch with the original's output instead of running it (after this poll pass, like
 * any completion); false when the task must run.
 */
export function settleReused(retry: RetryStart | undefined, scheduler: RunScheduler, l: Launch, pump: () => void): boolean {
  const reused = retry?.plan.reuse[l.taskId];
  if (!reused) return false;
  let output = reused.output;
  if (l.mapIndex !== undefined) {
    if (!Array.isArray(output) || l.mapIndex >= output.length) return false;
    output = output[l.mapIndex] as unknown;
  }
  void Promise.resolve().then(() => {
    scheduler.succeed(l, output, 0);
    scheduler.record(l.taskId).cached = reused.cached;
    pump();
  });
  return true;
}
