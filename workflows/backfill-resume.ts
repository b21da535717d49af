/**
 * `backfill --reprocess failed --resume`: a failed date is re-run as a retry of its failed run
 * (workflows/reuse.ts), reusing the tasks that succeeded, instead of from scratch. Only
 * backfills started with `resume` call this, so earlier backfill histories replay unchanged.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ExistingRun, DateOutcome } from '../core/backfill-plan';
import type { RetryActivities } from '../activities/retry';

const { tideflowBackfillFailedRuns } = proxyActivities<RetryActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The failed run to retry for each date about to run that has one, by logical date. */
export async function failedRunsToResume(
  dagId: string,
  toRun: readonly DateOutcome[],
  existing: readonly ExistingRun[],
  page: readonly DateOutcome[],
): Promise<Map<string, { workflowId: string; runId: string }>> {
  const failedDates = new Set(page.filter((_o, i) => existing[i] === 'failed').map((o) => o.logicalDate));
  const dates = toRun.map((o) => o.logicalDate).filter((d) => failedDates.has(d));
  if (dates.length === 0) return new Map();
  const runs = await tideflowBackfillFailedRuns({ dagId, logicalDates: dates });
  const found = new Map<string, { workflowId: string; runId: string }>();
  dates.forEach((d, i) => {
    const run = runs[i];
    if (run) found.set(d, run);
  });
  return found;
}
