/**
 * A worker killed mid-run (SIGKILL, no graceful shutdown): a new worker finishes the run and
 * completed tasks are not executed again.
 */
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../core/run-view';
import { startDagRun } from '../../client/runs';
import { slowChain } from '../fixtures/dags';
import { useHarnessWithoutWorker, killWorker, until } from './harness';

const h = useHarnessWithoutWorker('durability');

describe('durability', () => {
  it('finishes a run after its worker is killed, without re-running completed tasks', async () => {
    const first = await h.spawnWorker();
    const handle = await startDagRun(h.client, slowChain, { taskQueue: h.taskQueue });
    const mine = () => h.readLog().filter((e) => e.workflowId === handle.workflowId);
    await until('the slow task to start', () => mine().some((e) => e.taskId === 'slow' && e.event === 'start'));
    await killWorker(first);

    await h.spawnWorker();
    const summary = (await handle.result()) as RunView;
    expect(summary.status).toBe('success');

    const starts = (taskId: string) =>
      mine()
        .filter((e) => e.taskId === taskId && e.event === 'start')
        .map((e) => e.attempt);
    expect(starts('first')).toEqual([1]);
    // The killed attempt never ended; the retry on the new worker did.
    expect(starts('slow')).toEqual([1, 2]);
    expect(
      mine()
        .filter((e) => e.taskId === 'slow' && e.event === 'end')
        .map((e) => e.attempt),
    ).toEqual([2]);
    expect(starts('last')).toEqual([1]);
    expect(summary.tasks.find((t) => t.id === 'slow')).toMatchObject({ state: 'success', attempts: 2 });
  });
});
