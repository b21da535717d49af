/** Kill the worker (SIGKILL) mid-backfill; after a restart every date is done exactly once. */
import { expect, it } from 'vitest';
import { backfillProgress, startBackfill } from '../../client/backfill';
import type { BackfillProgress } from '../../core/backfill-plan';
import { useHarnessWithoutWorker, killWorker } from '../integration/harness';
import { dag, starts, waitFor } from './helpers';

const h = useHarnessWithoutWorker('backfill-kill');

it('a worker killed mid-backfill: after restart every date runs exactly once', async () => {
  const first = await h.spawnWorker();
  const handle = await startBackfill(h.client, dag, {
    taskQueue: h.taskQueue,
    from: '2024-06-01',
    to: '2024-06-12',
    maxActive: 4,
    params: { ms: 1200 },
  });
  await waitFor('some dates done and others running', async () => {
    const p = await backfillProgress(h.client, handle.workflowId);
    return p.succeeded >= 2 && p.running >= 2 ? true : undefined;
  });
  await killWorker(first);
  await h.spawnWorker();

  const progress = (await handle.result()) as BackfillProgress;
  expect(progress).toMatchObject({ total: 12, succeeded: 12, failed: 0, skipped: 0, done: true });
  expect(progress.peakRunning).toBeLessThanOrEqual(4);

  // One workflow execution per date, each completed once; each run's last task ran once.
  const executions = new Map<string, number>();
  for await (const w of h.client.workflow.list({
    query: `TideflowDag = 't_backfill' AND TideflowTrigger = 'backfill' AND TideflowLogicalDate >= '2024-06-01T00:00:00Z' AND TideflowLogicalDate < '2024-06-13T00:00:00Z'`,
  })) {
    expect(w.status.name).toBe('COMPLETED');
    executions.set(w.workflowId, (executions.get(w.workflowId) ?? 0) + 1);
  }
  expect(executions.size).toBe(12);
  expect([...executions.values()].every((n) => n === 1)).toBe(true);
  const checks = starts(h.readLog(), 'check', 't_backfill__backfill__2024-06-');
  expect(checks.size).toBe(12);
  expect([...checks.values()].every((n) => n === 1)).toBe(true);
}, 90_000);
