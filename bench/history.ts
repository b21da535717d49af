/**
 * Reading per-task latencies out of a finished workflow's history, using the server's event
 * timestamps (so client and worker clocks play no part).
 *
 * Per task: the gap between consecutive ActivityTaskCompleted events (the first from
 * WorkflowExecutionStarted). Each gap is split into phases for diagnosis:
 *   decide   — previous completion → this activity's ActivityTaskScheduled (one workflow task round trip);
 *   dispatch — scheduled → ActivityTaskStarted (matching and the worker's poll);
 *   execute  — started → completed (the activity function, wrapper included, and its response).
 *
 * A local activity leaves no activity events, only a marker recorded when its workflow task
 * completes (often one for the whole chain). The marker's data has the worker's schedule time of
 * the activity (its `complete_time` does not track completion: it can precede the schedule), so
 * for a chain of local activities a task's gap runs from one schedule to the next — the previous
 * task completes and the next is scheduled in the same workflow activation — and the last one's
 * to the completion of its workflow task. There are no separate phases.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { ENGINE_LOCAL_ACTIVITIES } from '../core/local-tasks';

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
  markerRecorded: 25,
} as const;

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** The part of sdk-core's local activity marker data read here (JSON, snake_case, protobuf timestamps). */
interface LocalActivityMarkerData {
  activity_type?: string;
  original_schedule_time?: { seconds: number; nanos: number } | null;
}

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
  /** Payload bytes of all ActivityTaskScheduled inputs plus ActivityTaskCompleted results (local: marker payloads). */
  activityPayloadBytes: number;
  /** Local activities found (their markers). */
  localActivities: number;
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

/**
 * The worker's schedule time of a local task, from its marker; undefined for other events and
 * for the engine's own local activities (ENGINE_LOCAL_ACTIVITIES), which are not tasks.
 */
function localScheduleTime(e: HistoryEvent): number | undefined {
  const attrs = e.markerRecordedEventAttributes;
  if (attrs?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const bytes = attrs.details?.['data']?.payloads?.[0]?.data;
  if (!bytes) return Number.NaN;
  const data = JSON.parse(Buffer.from(bytes).toString('utf8')) as LocalActivityMarkerData;
  if (data.activity_type !== undefined && ENGINE_LOCAL_ACTIVITIES.has(data.activity_type)) return undefined;
  const t = data.original_schedule_time;
  return t ? t.seconds * 1000 + t.nanos / 1e6 : Number.NaN;
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
    localActivities: 0,
  };
  let previous = Number.NaN;
  let firstTime = Number.NaN;
  let wftStarted = Number.NaN;
  const locals: { scheduled: number; wftCompleted: number }[] = [];
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
      case EVENT.markerRecorded: {
        const scheduled = localScheduleTime(e);
        if (scheduled === undefined) break;
        const wftCompleted = timeById.get(idOf(e.markerRecordedEventAttributes?.workflowTaskCompletedEventId)) ?? Number.NaN;
        locals.push({ scheduled, wftCompleted });
        out.activityPayloadBytes += payloadBytes(e.markerRecordedEventAttributes?.details?.['result']);
        break;
      }
      default:
        break;
    }
  }
  locals.forEach((l, i) => {
    const end = locals[i + 1]?.scheduled ?? l.wftCompleted;
    out.gapsMs.push(end - previous);
    out.decideMs.push(Number.NaN);
    out.dispatchMs.push(Number.NaN);
    out.executeMs.push(Number.NaN);
    previous = end;
  });
  out.localActivities = locals.length;
  const last = events[events.length - 1];
  out.serverSpanMs = toMs(last?.eventTime) - firstTime;
  return out;
}
