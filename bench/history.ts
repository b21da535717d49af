/**
 * Reading per-task latencies out of a finished workflow's history, using the server's event
 * timestamps (so client and worker clocks play no part).
 *
 * Per task: the gap between consecutive ActivityTaskCompleted events (the first from
 * WorkflowExecutionStarted). Each gap is split into phases for diagnosis:
 *   decide   — previous completion → this activity's ActivityTaskScheduled (one workflow task round trip);
 *   dispatch — scheduled → ActivityTaskStarted (matching and the worker's poll);
 *   execute  — started → completed (the activity function, wrapper included, and its response).
 */
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type Timestamp = NonNullable<HistoryEvent['eventTime']>;

/** temporal.api.enums.v1.EventType values used here. */
const EVENT = {
  workflowExecutionStarted: 1,
  workflowTaskScheduled: 5,
  workflowTaskStarted: 6,
  workflowTaskCompleted: 7,
  workflowTaskFailed: 9,
  activityTaskScheduled: 10,
  activityTaskStarted: 11,
  activityTaskCompleted: 12,
} as const;

export interface RunTimings {
  /** One per completed activity, in completion order. */
  gapsMs: number[];
  decideMs: number[];
  dispatchMs: number[];
  executeMs: number[];
  /** Worker-side time of each workflow task (WorkflowTaskStarted → WorkflowTaskCompleted). */
  workflowTaskMs: number[];
  /** WorkflowExecutionStarted → the last event. */
  serverSpanMs: number;
  events: number;
  workflowTasks: number;
  failedWorkflowTasks: number;
  /** Payload bytes of all ActivityTaskScheduled inputs plus ActivityTaskCompleted results. */
  activityPayloadBytes: number;
}

function toMs(ts: Timestamp | null | undefined): number {
  if (!ts) return Number.NaN;
  const s = ts.seconds;
  const seconds = s === null || s === undefined ? 0 : typeof s === 'number' ? s : s.toNumber();
  return seconds * 1000 + (ts.nanos ?? 0) / 1e6;
}

function idOf(value: HistoryEvent['eventId']): number {
  if (value === null || value === undefined) return Number.NaN;
  return typeof value === 'number' ? value : value.toNumber();
}

function payloadBytes(payloads: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined): number {
  return (payloads?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
}

export function analyzeHistory(history: History): RunTimings {
  const events = history.events ?? [];
  const timeById = new Map<number, number>();
  const out: RunTimings = {
    gapsMs: [],
    decideMs: [],
    dispatchMs: [],
    executeMs: [],
    workflowTaskMs: [],
    serverSpanMs: Number.NaN,
    events: events.length,
    workflowTasks: 0,
    failedWorkflowTasks: 0,
    activityPayloadBytes: 0,
  };
  let previous = Number.NaN;
  let firstTime = Number.NaN;
  let wftStarted = Number.NaN;
  for (const e of events) {
    const t = toMs(e.eventTime);
    timeById.set(idOf(e.eventId), t);
    switch (e.eventType as number) {
      case EVENT.workflowExecutionStarted:
        previous = t;
        firstTime = t;
        break;
      case EVENT.workflowTaskStarted:
        wftStarted = t;
        break;
      case EVENT.workflowTaskCompleted:
        out.workflowTasks++;
        out.workflowTaskMs.push(t - wftStarted);
        break;
      case EVENT.workflowTaskFailed:
        out.failedWorkflowTasks++;
        break;
      case EVENT.activityTaskScheduled:
        out.activityPayloadBytes += payloadBytes(e.activityTaskScheduledEventAttributes?.input);
        break;
      case EVENT.activityTaskCompleted: {
        const attrs = e.activityTaskCompletedEventAttributes;
        out.activityPayloadBytes += payloadBytes(attrs?.result);
        const scheduled = timeById.get(idOf(attrs?.scheduledEventId)) ?? Number.NaN;
        const started = timeById.get(idOf(attrs?.startedEventId)) ?? Number.NaN;
        out.gapsMs.push(t - previous);
        out.decideMs.push(scheduled - previous);
        out.dispatchMs.push(started - scheduled);
        out.executeMs.push(t - started);
        previous = t;
        break;
      }
      default:
        break;
    }
  }
  const last = events[events.length - 1];
  out.serverSpanMs = toMs(last?.eventTime) - firstTime;
  return out;
}
