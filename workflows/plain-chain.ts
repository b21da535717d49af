/**
 * The benchmark baseline: N no-op activities called one after another from a plain
 * Temporal workflow, with no DAG engine in between.
 */
import { proxyActivities } from '@temporalio/workflow';

const { noopPlain } = proxyActivities<{ noopPlain: () => Promise<void> }>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

export async function plainChain(n: number): Promise<number> {
  for (let i = 0; i < n; i++) await noopPlain();
  return n;
}
