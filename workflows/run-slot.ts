/**
 * `schedule.maxActiveRuns`: a run waits, before any task starts, while that many earlier runs of
 * its DAG are still running (counted by an activity reading visibility).
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { EarlierRunsInput } from '../activities/builtin/run-gate';

const { tideflowCountEarlierRuns } = proxyActivities<{ tideflowCountEarlierRuns: (i: EarlierRunsInput) => Promise<number> }>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/** Wait while `max` earlier runs of the DAG are running; checks back off from 2 s to 60 s to keep history small. */
export async function waitForRunSlot(dagId: string, max: number, workflowId: string, startedAt: string): Promise<void> {
  for (let pause = 2_000; ; pause = Math.min(pause * 2, 60_000)) {
    const earlier = await tideflowCountEarlierRuns({ dagId, workflowId, startedAt });
    if (earlier < max) return;
    await sleep(pause);
  }
}
