/**
 * The DAG workflow's last step: record the run's outcome in Tideflow's own store (S3), so
 * "this date already ran" survives Temporal's retention (issue 14.5). A local activity: no
 * extra activity task round trip, one marker event in the history. Behind a patch, so runs
 * recorded before it replay unchanged. A store outage longer than the retries does not fail
 * the run: Temporal still has its outcome, only the record outliving retention is missing.
 */
import { log, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { RunHeader } from '../core/run-view';
import type { RunOutcomeActivities } from '../activities/run-outcome';

const { tideflowRecordRunOutcome } = proxyLocalActivities<RunOutcomeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export async function recordRunOutcome(header: RunHeader, status: 'success' | 'failed'): Promise<void> {
  if (!patched('tideflow-run-outcome')) return;
  try {
    await tideflowRecordRunOutcome({
      dagId: header.dagId,
      workflowId: header.workflowId,
      runId: header.runId,
      logicalDate: header.logicalDate,
      status,
    });
  } catch (err) {
    log.warn('run outcome not recorded in the store; backfill will know it only while Temporal keeps the run', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
