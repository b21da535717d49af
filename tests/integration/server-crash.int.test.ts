/**
 * The Temporal server stops mid-run and comes back on the same SQLite database: the run resumes
 * and completed tasks are not executed again. Uses a private stack so the shared one is untouched.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../core/run-view';
import { startDagRun } from '../../client/runs';
import { slowChain } from '../fixtures/dags';
import { startPrivateStack, startPrivateWorker, type PrivateStack } from '../setup/private-stack';

let own: PrivateStack | undefined;
afterAll(async () => {
  await own?.close();
});

describe('Temporal server crash', () => {
  it('resumes the run after the server restarts, without redoing finished tasks', async () => {
    own = await startPrivateStack('crash');
    const w = await startPrivateWorker(own);
    const handle = await startDagRun(w.client, slowChain, { taskQueue: own.config.taskQueue });
    const mine = () => w.readLog().filter((e) => e.workflowId === handle.workflowId);
    for (let i = 0; i < 300 && !mine().some((e) => e.taskId === 'slow'); i++) await new Promise((r) => setTimeout(r, 50));
    await own.stack.stopTemporal();
    await new Promise((r) => setTimeout(r, 2000));
    await own.stack.startTemporal();

    const view = (await handle.result()) as RunView;
    expect(view.status).toBe('success');
    const starts = (taskId: string) => mine().filter((e) => e.taskId === taskId && e.event === 'start');
    expect(starts('first')).toHaveLength(1);
    expect(starts('last')).toHaveLength(1);
    expect(starts('slow').length).toBeGreaterThanOrEqual(1);
    await w.stop();
  }, 120_000);
});
