/**
 * A worker killed (SIGKILL) while a local activity runs: the local activity was never recorded,
 * so when the workflow task times out a new worker runs it again and finishes the run; the
 * normal task completed before it is not run again.
 */
import { describe, expect, it } from 'vitest';
import { startDagRun } from '../../client/runs';
import type { RunView } from '../../core/run-view';
import { localSlowChain } from '../fixtures/local-dags';
import { useHarnessWithoutWorker, killWorker, taskOf, until } from './harness';

const h = useHarnessWithoutWorker('local-durability');

describe('local tasks and a killed worker', () => {
  it('runs the interrupted local task again on a new worker and finishes the run', async () => {
    const first = await h.spawnWorker();
    const handle = await startDagRun(h.client, localSlowChain, { taskQueue: h.taskQueue });
    const mine = () => h.readLog().filter((e) => e.workflowId === handle.workflowId);
    await until('the local task to start', () => mine().some((e) => e.taskId === 'slow' && e.event === 'start'));
    await killWorker(first);

    await h.spawnWorker();
    const summary = (await handle.result()) as RunView;
    expect(summary.status).toBe('success');

    const events = (taskId: string, event: 'start' | 'end') =>
      mine()
        .filter((e) => e.taskId === taskId && e.event === event)
        .map((e) => e.attempt);
    // `first` completed as a normal activity before the kill: recorded, not run again.
    expect(events('first', 'start')).toEqual([1]);
    // The killed local attempt never ended; the new worker ran the local activity again, from attempt 1.
    expect(events('slow', 'start')).toEqual([1, 1]);
    expect(events('slow', 'end')).toEqual([1]);
    expect(events('last', 'start')).toEqual([1]);
    expect(taskOf(summary, 'slow')).toMatchObject({ state: 'success', output: 'slow done' });
    expect(taskOf(summary, 'last').state).toBe('success');
  }, 90_000);
});
