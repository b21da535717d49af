/**
 * The cache probe, workflow side: before a cached task's activity is scheduled, a Temporal local
 * activity (activities/cache/probe.ts) looks its key up in the step cache, inside the workflow
 * task. A verified hit settles the task there and then — no activity round trip, no workflow task
 * of its own, so a run of hits goes through in a few workflow tasks. Anything else (a miss, an
 * entry over the probe's byte budget, an error, no answer within 5 s) schedules the activity
 * exactly as before, which does its own lookup: the probe can save time, never fail a task nor
 * answer what the activity would not.
 *
 * Not probed: tasks without an effective cache (side-effect activities under a DAG-wide default
 * included), local tasks (their activity already runs in the workflow task and looks up itself),
 * and runs that asked to recompute (`cache: 'refresh'`, `--no-cache`).
 *
 * Replay: histories recorded before the probe (a cached task's activity scheduled at once) replay
 * unchanged: `patched('cache-probe')` is false for them. DAGs without cached tasks never reach it.
 */
import { isCancellation, patched, proxyLocalActivities } from '@temporalio/workflow';
import { CACHE_PROBE_ACTIVITY, CACHE_PROBE_TIMEOUT, type CacheProbeResult } from '../core/cache-probe';
import { effectiveCache } from '../core/cache-tasks';
import type { DagDefinition, TaskSpec } from '../core/model';
import type { TaskInvocation, TaskResult } from '../core/output-ref';
import { UNCACHEABLE_ACTIVITIES } from '../core/uncacheable-activities';

export const CACHE_PROBE_PATCH = 'cache-probe';

/** A task's activity call (./activity-call.ts). */
type TaskCall = (invocation: TaskInvocation) => Promise<TaskResult>;

type ProbeProxy = Record<typeof CACHE_PROBE_ACTIVITY, (inv: TaskInvocation) => Promise<CacheProbeResult>>;

/** One attempt: a probe that fails or times out is a miss, and the activity runs. */
const probe = proxyLocalActivities<ProbeProxy>({ startToCloseTimeout: CACHE_PROBE_TIMEOUT, retry: { maximumAttempts: 1 } })[
  CACHE_PROBE_ACTIVITY
];

/** `call` (a task's normal activity), preceded by the cache probe when the task is cached. */
export function withCacheProbe(dag: DagDefinition, spec: TaskSpec, call: TaskCall): TaskCall {
  if (effectiveCache(dag, spec, { uncacheableActivities: UNCACHEABLE_ACTIVITIES }) === undefined) return call;
  return async (invocation) => {
    if (invocation.cache === 'refresh' || !patched(CACHE_PROBE_PATCH)) return call(invocation);
    let found: CacheProbeResult | undefined;
    try {
      found = await probe(invocation);
    } catch (err) {
      // A cancelled run stays cancelled; any other failure of the probe is a miss.
      if (isCancellation(err)) throw err;
    }
    if (found && 'hit' in found) return found.hit;
    return call(invocation);
  };
}
