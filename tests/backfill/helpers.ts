/** Shared by the backfill tests: start a backfill and wait, read the execution log. */
import type { WorkflowHandle } from '@temporalio/client';
import { startBackfill, type BackfillOptions } from '../../client/backfill';
import type { BackfillProgress } from '../../core/backfill-plan';
import type { DagDefinition } from '../../core/model';
import type { LogEntry } from '../fixtures/activities';
import { backfillable } from '../fixtures/dags';
import type { Harness } from '../integration/harness';

export const dag = backfillable as DagDefinition;

export async function backfill(
  h: Harness,
  o: Omit<BackfillOptions, 'taskQueue'>,
): Promise<{ handle: WorkflowHandle; progress: BackfillProgress }> {
  const handle = await startBackfill(h.client, dag, { taskQueue: h.taskQueue, ...o });
  return { handle, progress: (await handle.result()) as BackfillProgress };
}

/** The most DAG runs whose activities overlapped in time, from the execution log. */
export function maxConcurrentRuns(entries: readonly LogEntry[], prefix: string): number {
  const spans = new Map<string, { start: number; end: number }>();
  for (const e of entries) {
    if (!e.workflowId.startsWith(prefix)) continue;
    const s = spans.get(e.workflowId);
    spans.set(e.workflowId, s ? { start: Math.min(s.start, e.at), end: Math.max(s.end, e.at) } : { start: e.at, end: e.at });
  }
  const events = [...spans.values()].flatMap((s) => [
    { at: s.start, d: 1 },
    { at: s.end, d: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (now += e.d));
  return max;
}

/** How many times each run's `task` started, by workflow id. */
export function starts(entries: readonly LogEntry[], task: string, prefix: string): Map<string, number> {
  const count = new Map<string, number>();
  for (const e of entries)
    if (e.taskId === task && e.event === 'start' && e.workflowId.startsWith(prefix))
      count.set(e.workflowId, (count.get(e.workflowId) ?? 0) + 1);
  return count;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
