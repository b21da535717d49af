/**
 * One task launch's activity call and what its settlement tells the scheduler: the invocation
 * sent to the worker, a readable failure, and the step-cache note on the task's record.
 */
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/workflow';
import type { OutputRef, TaskInvocation } from '../core/output-ref';
import { isOutputRef } from '../core/output-ref';
import type { TaskSpec } from '../core/model';
import type { RunHeader } from '../core/run-view';
import type { CachedFrom, Launch, RunScheduler } from '../core/scheduler';

/** A readable error and the attempts it took, from what an activity call threw. */
export function describeFailure(err: unknown, maxAttempts: number): { message: string; attempts: number } {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    const detail = cause instanceof ApplicationFailure ? (cause.details?.[0] as { tideflowAttempt?: number } | undefined) : undefined;
    const attempts = detail?.tideflowAttempt ?? (err.retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? maxAttempts : 1);
    if (cause instanceof CancelledFailure) return { message: 'cancelled', attempts };
    const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
    return { message: `${type}${cause?.message || err.message || 'activity failed'}`, attempts };
  }
  return { message: err instanceof Error ? err.message : String(err), attempts: 1 };
}

/** The activity argument: identity, params and the outputs it reads (direct upstreams and `reads`; refs stay refs). */
export function invocation(
  header: RunHeader,
  scheduler: RunScheduler,
  spec: TaskSpec,
  mapIndex: number | undefined,
  cache?: 'refresh',
): TaskInvocation {
  const from = mapIndex === undefined ? undefined : spec.expand?.from;
  const upstream: Record<string, unknown> = {};
  for (const u of [...spec.upstream, ...(spec.reads ?? [])]) if (u !== from) upstream[u] = scheduler.record(u).output;
  const inv: TaskInvocation = {
    dagId: header.dagId,
    taskId: spec.id,
    workflowId: header.workflowId,
    runId: header.runId,
    logicalDate: header.logicalDate,
    ds: header.ds,
    dataIntervalStart: header.dataIntervalStart,
    dataIntervalEnd: header.dataIntervalEnd,
    params: header.params,
    upstream,
    ...(cache !== undefined && { cache }),
  };
  if (mapIndex !== undefined && from !== undefined) {
    // Send one item, not the whole list, so a wide fan-out does not multiply history size.
    const source = scheduler.record(from).output;
    inv.map = isOutputRef(source)
      ? { index: mapIndex, itemRef: source as OutputRef }
      : { index: mapIndex, item: (source as unknown[])[mapIndex] };
  }
  return inv;
}

/**
 * A step-cache hit (activities/cache) marks the task `cached` with the run it came from; a mapped
 * task only while every instance so far was a hit. State only: no command, so histories replay as before.
 */
export function noteCached(scheduler: RunScheduler, l: Launch, cached: CachedFrom | undefined): void {
  const rec = scheduler.record(l.taskId);
  const first = l.mapIndex === undefined || (rec.mapped?.succeeded ?? 0) === 0;
  if (cached && (first || rec.cached?.via === 'cache')) rec.cached = cached;
  else if (rec.cached?.via === 'cache') delete rec.cached;
}
