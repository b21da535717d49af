/**
 * The Temporal server stops mid-backfill and comes back on the same database: the backfill
 * resumes and every date runs exactly once. A private stack, so the shared one is untouched.
 */
import { afterAll, expect, it } from 'vitest';
import { backfillProgress, startBackfill } from '../../client/backfill';
import type { BackfillProgress } from '../../core/backfill-plan';
import { startPrivateStack, startPrivateWorker, type PrivateStack } from '../setup/private-stack';
import { dag, starts, waitFor } from './helpers';

let own: PrivateStack | undefined;
afterAll(async () => {
  await own?.close();
});

it('a backfill survives a Temporal server restart without running any date twice', async () => {
  own = await startPrivateStack('bf-crash');
  const w = await startPrivateWorker(own);
  const handle = await startBackfill(w.client, dag, {
    taskQueue: own.config.taskQueue,
    from: '2024-07-01',
    to: '2024-07-10',
    maxActive: 3,
    params: { ms: 800 },
  });
  await waitFor('two dates done', async () => ((await backfillProgress(w.client, handle.workflowId)).succeeded >= 2 ? true : undefined));
  await own.stack.stopTemporal();
  await new Promise((r) => setTimeout(r, 2000));
  await own.stack.startTemporal();

  const progress = (await handle.result()) as BackfillProgress;
  expect(progress).toMatchObject({ total: 10, succeeded: 10, failed: 0, skipped: 0 });
  const checks = starts(w.readLog(), 'check', 't_backfill__backfill__2024-07-');
  expect(checks.size).toBe(10);
  expect([...checks.values()].every((n) => n === 1)).toBe(true);
  await w.stop();
}, 120_000);
