/**
 * The run's own end-of-run record (a local activity of the DAG workflow): its logical date
 * ended in success or failure, written to S3 next to the manifests, so backfill still knows
 * it after Temporal's retention has deleted the run (storage/run-dates.ts).
 */
import type { ArtifactStore } from '../storage/artifacts/types';
import { markRun, type RunMarkKey } from '../storage/run-dates';

export interface RunOutcomeInput extends RunMarkKey {
  status: 'success' | 'failed';
}

export function runOutcomeActivities(store: ArtifactStore) {
  return {
    async tideflowRecordRunOutcome(input: RunOutcomeInput): Promise<void> {
      await markRun(store, input, input.status);
    },
  };
}
export type RunOutcomeActivities = ReturnType<typeof runOutcomeActivities>;
