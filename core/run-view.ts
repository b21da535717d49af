/**
 * The run as the outside world sees it: the `state` query answer and the workflow result.
 * Outputs are included in the result only while small, so a summary never nears the 2 MB
 * payload limit; large outputs already travel as S3 references and are kept as such.
 */
import type { MapProgress, RunScheduler, TaskRecord } from './scheduler';

/** `queued`: waiting for a slot under the DAG's maxActiveRuns. */
export type RunStatus = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

/** A task as the scheduler records it (./scheduler.ts), with its fan-out as counts only. */
export type TaskView = Omit<TaskRecord, 'mapped' | 'output'> & {
  mapped?: Pick<MapProgress, 'total' | 'running' | 'succeeded' | 'failed'>;
  /** In run summaries only: the output, an OutputRef, or a note that it was too large to include. */
  output?: unknown;
};

export interface RunHeader {
  dagId: string;
  workflowId: string;
  runId: string;
  trigger: string;
  logicalDate: string;
  ds: string;
  /** The data interval [start, end) this run processes (Airflow 2 semantics). */
  dataIntervalStart: string;
  dataIntervalEnd: string;
  params: unknown;
  startedAt: string;
  /** A re-run from failure: the run it retried (its reused tasks are `cached: {via: 'retry'}`). */
  retryOf?: { workflowId: string; runId: string };
}

export interface RunView extends RunHeader {
  status: RunStatus;
  endedAt?: string;
  tasks: TaskView[];
}

/** Per-output and whole-summary budgets, in bytes of JSON. */
export const SUMMARY_OUTPUT_LIMIT = 64 * 1024;
export const SUMMARY_TOTAL_LIMIT = 1024 * 1024;

function taskView(rec: TaskRecord): TaskView {
  const view: TaskView = { id: rec.id, state: rec.state, attempts: rec.attempts };
  if (rec.startedAt !== undefined) view.startedAt = rec.startedAt;
  if (rec.endedAt !== undefined) view.endedAt = rec.endedAt;
  if (rec.error !== undefined) view.error = rec.error;
  if (rec.note !== undefined) view.note = rec.note;
  if (rec.cached !== undefined) view.cached = rec.cached;
  if (rec.mapped) {
    const { total, running, succeeded, failed } = rec.mapped;
    view.mapped = { total, running, succeeded, failed };
  }
  return view;
}

function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  // UTF-16 length understates multi-byte text; ×3 bounds UTF-8 bytes without a TextEncoder.
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at U+0000 on purpose
  return text === undefined ? 0 : text.length * (/^[\u0000-\u007f]*$/.test(text) ? 1 : 3);
}

export function viewRun(header: RunHeader, scheduler: RunScheduler, status: RunStatus, withOutputs: boolean, endedAt?: string): RunView {
  let budget = SUMMARY_TOTAL_LIMIT;
  const tasks = [...scheduler.records.values()].map((rec) => {
    const view = taskView(rec);
    if (withOutputs && rec.output !== undefined) {
      const bytes = jsonBytes(rec.output);
      if (bytes <= SUMMARY_OUTPUT_LIMIT && bytes <= budget) {
        view.output = rec.output;
        budget -= bytes;
      } else {
        view.output = { omitted: 'too large for the run summary; downstream tasks received it in full', approxBytes: bytes };
      }
    }
    return view;
  });
  // Key order is what people see in the Web UI's query tab: the status and the task states first,
  // the fully resolved params (often hundreds of lines) last.
  const { dagId, workflowId, ...rest } = header;
  return { dagId, workflowId, status, ...(endedAt !== undefined && { endedAt }), tasks, ...rest };
}
