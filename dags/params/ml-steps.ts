/**
 * Settings of the heavy ML steps (tune, train_best, evaluate, batch predict) a run can raise:
 * their timeouts (the `stepTimeouts` param, checked at trigger time) and the task queue they run
 * on (the DAG's `mlTaskQueue`, or the run's `queues.ml` that starters set from
 * TIDEFLOW_ML_TASK_QUEUE — workflow code cannot read the environment).
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import type { RunSettings, TaskOptionsBase } from '../../core/model';

/** The environment variable that names the heavy ML steps' task queue (read by run starters, passed as `queues.ml`). */
export const ML_TASK_QUEUE_ENV = 'TIDEFLOW_ML_TASK_QUEUE';

/** A Temporal duration ('90s', '2 minutes', '2 hours') or a number of milliseconds, positive. */
export const durationSchema = z.union([z.string().min(1), z.number()]).refine((d) => {
  try {
    const ms = msToNumber(d as never);
    return Number.isFinite(ms) && ms > 0;
  } catch {
    return false;
  }
}, "expected a positive duration such as '90s', '2 minutes' or '2 hours' (or a number of milliseconds)");

/** Timeouts of the heavy ML steps (tune, train_best, evaluate): raise them for big data or slow models. */
export const stepTimeoutsSchema = z.strictObject({
  /** How long a step may go without a heartbeat before its attempt counts as lost. */
  heartbeat: durationSchema.optional(),
  /** How long one attempt of a step may take. */
  startToClose: durationSchema.optional(),
});
export type StepTimeouts = z.output<typeof stepTimeoutsSchema>;

/**
 * ingest's options for one run: the `stepTimeouts` heartbeat when it is longer than ingest's own.
 * Parsing, deriving and encoding run in a worker thread, so heartbeats flow during them; a raised
 * heartbeat is still honoured for slow downloads. Its queue stays the DAG's.
 */
export function ingestRunOptions(ownHeartbeat: Duration) {
  return (params: { stepTimeouts: StepTimeouts }): TaskOptionsBase => {
    const { heartbeat } = params.stepTimeouts;
    return heartbeat !== undefined && msToNumber(heartbeat as never) > msToNumber(ownHeartbeat)
      ? { heartbeatTimeout: heartbeat as Duration }
      : {};
  };
}

/** The task options of a heavy step for one run: the params' timeouts, then the run's ML queue, else the DAG's. */
export function mlStepRunOptions(mlTaskQueue: string | undefined) {
  return (params: { stepTimeouts: StepTimeouts }, run: RunSettings): TaskOptionsBase => {
    const { heartbeat, startToClose } = params.stepTimeouts;
    const queue = run.queues['ml'] ?? mlTaskQueue;
    return {
      ...(heartbeat !== undefined && { heartbeatTimeout: heartbeat as Duration }),
      ...(startToClose !== undefined && { startToCloseTimeout: startToClose as Duration }),
      ...(queue !== undefined && { taskQueue: queue }),
    };
  };
}
