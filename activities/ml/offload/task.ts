/**
 * An ML activity's way to run its computation off the event loop: one thread per task instance
 * (a retried attempt terminates a predecessor still running in this process), terminated when
 * the task is cancelled (by the run, a heartbeat or start-to-close timeout seen by the worker, or
 * worker shutdown), and heartbeats every second while it runs, carrying the latest progress.
 *
 * The heartbeats come from this thread's timer, not from the computation: they say "this worker
 * is alive and the job is running", which is what a heartbeat timeout checks. A hung computation
 * is still bounded by the task's start-to-close timeout.
 */
import type { TaskContext } from '../../context';
import type { JobInput, JobName, JobOutput } from './jobs';
import { runInThread } from './runner';

export const HEARTBEAT_EVERY_MS = 1000;

/** The task instance an attempt belongs to: the run and the task (and fan-out index). */
export const taskInstanceKey = (ctx: TaskContext): string =>
  `${ctx.workflowId}/${ctx.runId}/${ctx.taskId}${ctx.mapIndex !== undefined ? `[${ctx.mapIndex}]` : ''}`;

export async function offloadForTask<K extends JobName>(
  ctx: TaskContext,
  job: K,
  input: JobInput<K>,
  o: { transfer?: ArrayBuffer[]; rows?: number } = {},
): Promise<JobOutput<K>> {
  let details: unknown = { job, phase: 'starting' };
  return heartbeating(
    ctx,
    () => details,
    () =>
      runInThread(job, input, {
        signal: ctx.signal,
        key: taskInstanceKey(ctx),
        onProgress: (d) => (details = d),
        ...(o.transfer && { transfer: o.transfer }),
        ...(o.rows !== undefined && { rows: o.rows }),
      }),
  );
}

/** The heartbeat details while a step reads its data. */
export const READING = (): unknown => ({ phase: 'reading data' });

/**
 * `work` with a heartbeat every second while it runs: for the waits of an ML step outside its
 * job — reading its dataset and split (downloaded, then decoded in a thread) can take longer
 * than the step's heartbeat timeout on a large dataset.
 */
export async function heartbeating<T>(ctx: TaskContext, details: () => unknown, work: () => Promise<T>): Promise<T> {
  const beat = (): void => {
    if (!ctx.signal.aborted) ctx.heartbeat(details());
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
