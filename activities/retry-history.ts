/**
 * Outputs the original run's summary left out for their size (over 64 KB inline, under the
 * 256 KB offload threshold) are still in its history: each task's activity result. Read them
 * from there so a retry reuses them too. Activity ids are `<task>` or `<task>[<i>]` (a fan-out
 * instance), as workflows/task-options.ts sets them; local activities (short steps) are not looked up.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TaskResult } from '../core/output-ref';

/** What the history may add to the retry's input in all: the workflow's payloads stay well under Temporal's 2 MB. */
export const HISTORY_OUTPUTS_BUDGET = 1024 * 1024;

/** Task id → output (a fan-out task's as the list of its instances' outputs), for the tasks asked. */
export async function outputsFromHistory(
  client: Client,
  workflowId: string,
  runId: string,
  tasks: ReadonlySet<string>,
): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  if (tasks.size === 0) return found;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<string, string>();
  const single = new Map<string, unknown>();
  const mapped = new Map<string, unknown[]>();
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityId) scheduled.set(String(e.eventId), s.activityId);
    const c = e.activityTaskCompletedEventAttributes;
    const activityId = c ? scheduled.get(String(c.scheduledEventId)) : undefined;
    const payload = c?.result?.payloads?.[0];
    if (activityId === undefined || !payload) continue;
    const m = /^(.*)\[(\d+)\]$/.exec(activityId);
    const taskId = m ? (m[1] as string) : activityId;
    if (!tasks.has(taskId)) continue;
    const output = defaultPayloadConverter.fromPayload<TaskResult>(payload).output;
    if (!m) single.set(taskId, output);
    else {
      const list = mapped.get(taskId) ?? [];
      list[Number(m[2])] = output;
      mapped.set(taskId, list);
    }
  }
  // A fan-out counts only when every instance's result was found.
  const complete = [...mapped].filter(([, list]) => list.length > 0 && [...list.keys()].every((i) => i in list));
  let budget = HISTORY_OUTPUTS_BUDGET;
  for (const [id, output] of [...single, ...complete]) {
    const bytes = Buffer.byteLength(JSON.stringify(output) ?? '', 'utf8');
    if (bytes > budget) continue; // left out: that task runs again
    budget -= bytes;
    found.set(id, output);
  }
  return found;
}
