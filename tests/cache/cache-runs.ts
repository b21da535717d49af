/**
 * Runs for the step-cache tests on the real servers: each file's DAG runs with its own workflow
 * ids (a random tag, then a counter), must succeed, and the fixtures' execution log tells which
 * tasks really computed.
 */
import { expect } from 'vitest';
import { startDagRun, waitForRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import type { Harness } from '../integration/harness';

export interface CacheRun {
  view: RunView;
  workflowId: string;
  handle: Awaited<ReturnType<typeof startDagRun>>;
}

export function cacheRuns(h: Harness, prefix: string) {
  const tag = Math.random().toString(36).slice(2, 8);
  let n = 0;

  async function run(dag: DagDefinition, params: Record<string, unknown>, noCache = false): Promise<CacheRun> {
    const handle = await startDagRun(h.client, dag, {
      taskQueue: h.taskQueue,
      params,
      logicalDate: '2024-01-01T00:00:00Z',
      workflowId: `${prefix}-${tag}-${++n}`,
      noCache,
    });
    const out = await waitForRun(handle);
    if (!out.view) throw new Error(`run ${handle.workflowId} ended without a summary: ${out.error}`);
    expect(out.view.status, out.error).toBe('success');
    return { view: out.view, workflowId: handle.workflowId, handle };
  }

  /** Tasks whose activity really computed in this run (started per the execution log). */
  const computed = (workflowId: string): string[] =>
    [
      ...new Set(
        h
          .readLog()
          .filter((e) => e.workflowId === workflowId && e.event === 'start')
          .map((e) => e.taskId),
      ),
    ].sort();

  return { tag, run, computed };
}
