/**
 * Trust the server about whether a run is over. A run's `state` query reports what the
 * workflow last recorded; a run closed from outside (terminated, timed out) or cancelled at an
 * awkward moment may never have recorded its end, and would otherwise show as "running" forever.
 */
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { RunStatus, RunView } from '../core/run-view';

const CLOSED_AS: Partial<Record<WorkflowExecutionStatusName, RunStatus>> = {
  COMPLETED: 'success',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
};

/** What this needs of a WorkflowExecutionDescription (narrow, so tests need not build a whole one). */
export interface ClosedInfo {
  status: { name: WorkflowExecutionStatusName };
  closeTime?: Date;
}

export function reconcileStatus(view: RunView, desc: ClosedInfo): RunView {
  const closed = CLOSED_AS[desc.status.name];
  if (view.status !== 'running' || closed === undefined) return view;
  const how = desc.status.name.toLowerCase().replace(/_/g, ' ');
  return {
    ...view,
    status: closed,
    ...(desc.closeTime !== undefined && view.endedAt === undefined && { endedAt: desc.closeTime.toISOString() }),
    // Tasks the run never settled are not running any more either; say so rather than guess.
    tasks: view.tasks.map((t) =>
      t.state === 'running' || t.state === 'pending' ? { ...t, note: t.note ?? `run ${how} before this task ended` } : t,
    ),
  };
}
