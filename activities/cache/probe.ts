/**
 * The cache probe: a Temporal local activity the workflow calls before it schedules a cached
 * task's activity (workflows/cache-probe.ts). It runs inside the workflow task, on the worker that
 * runs the workflow, so a hit costs neither an activity round trip nor a workflow task of its own.
 *
 * It does what the cached activity's own lookup does (./run-cached.ts), with the same key and the
 * same checks: resolve the task's input, compute its key, read the entry from the index, verify
 * every artifact it references (present, sha256 matches), and accept the hit the same way (the
 * policy's onHit, the run manifest's `cached` record). It only ever answers a verified hit or
 * "not here": on a miss, an entry whose artifacts exceed the byte budget, upstream outputs to
 * resolve beyond it, any error, or past its deadline it answers a miss, and the workflow schedules
 * the activity as usual, which looks up (and computes, under the key's lease) by itself.
 * It never computes and never writes an entry or a lease.
 *
 * Limits (worker environment): TIDEFLOW_CACHE_PROBE_MAX_BYTES (default 32 MiB) bounds the bytes it
 * reads — upstream outputs passed by reference plus the artifacts it verifies —; it gives up after
 * TIDEFLOW_CACHE_PROBE_TIMEOUT_MS (default 4 s), and the workflow stops waiting after 5 s anyway.
 */
import { Context } from '@temporalio/activity';
import type { CacheProbeResult } from '../../core/cache-probe';
import { effectiveCache } from '../../core/cache-tasks';
import { isOutputRef, type TaskInvocation } from '../../core/output-ref';
import { UNCACHEABLE_ACTIVITIES } from '../../core/uncacheable-activities';
import { currentTaskContext, type TaskContext } from '../context';
import { prepareInput, type TaskRunnerDeps } from '../task-runner';
import { lookup } from './lookup';
import { hit, keyOf } from './run-cached';

const nonNegative = (raw: string | undefined, fallback: number): number => {
  const v = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isFinite(v) && v >= 0 ? v : fallback;
};

/** Bytes the probe may read: upstream outputs by reference plus the entry's artifacts. */
export const probeMaxBytes = (): number => nonNegative(process.env.TIDEFLOW_CACHE_PROBE_MAX_BYTES, 32 * 1024 * 1024);
/** The probe's own deadline; the workflow's (core/cache-probe.ts, 5 s) stops waiting regardless. */
export const probeTimeoutMs = (): number => nonNegative(process.env.TIDEFLOW_CACHE_PROBE_TIMEOUT_MS, 4000);

class ProbeTimeout extends Error {}

/** Bytes of the upstream outputs (and fan-out item list) that resolving the input downloads. */
function referencedBytes(inv: TaskInvocation): number {
  let bytes = inv.map?.itemRef?.bytes ?? 0;
  for (const v of Object.values(inv.upstream)) if (isOutputRef(v)) bytes += v.bytes;
  return bytes;
}

async function probe(deps: TaskRunnerDeps, inv: TaskInvocation, signal: AbortSignal): Promise<CacheProbeResult> {
  const started = Date.now();
  const dag = deps.dags.get(inv.dagId);
  const spec = dag?.tasks.find((t) => t.id === inv.taskId);
  const activity = spec?.activity;
  const cache = dag && spec ? effectiveCache(dag, spec, { uncacheableActivities: UNCACHEABLE_ACTIVITIES }) : undefined;
  if (!cache || activity === undefined) return { miss: 'uncached' };
  if (inv.cache === 'refresh') return { miss: 'refresh' };
  const budget = probeMaxBytes();
  const upstreamBytes = referencedBytes(inv);
  if (upstreamBytes > budget) return { miss: 'budget', detail: `${upstreamBytes} bytes of upstream outputs, budget ${budget}` };

  const input = await prepareInput(deps, activity, inv);
  const { upstream: _refs, map: _map, cache: _cache, ...ids } = inv;
  const base = currentTaskContext({ ...ids, ...(inv.map && { mapIndex: inv.map.index }), store: deps.store });
  // A local activity cannot heartbeat to the server; the deadline's signal aborts reads in flight.
  const ctx: TaskContext = { ...base, heartbeat: () => {}, signal: AbortSignal.any([base.signal, signal]) };
  const key = await keyOf({ activity, spec: cache, input, ctx });
  const found = await lookup(
    ctx.store,
    { dagId: inv.dagId, taskId: inv.taskId, key },
    { spec: cache, maxVerifyBytes: budget - upstreamBytes },
    ctx,
  );
  if (!('hit' in found)) return { miss: found.miss, ...(found.detail !== undefined && { detail: found.detail }) };
  // Past the deadline, or the workflow stopped waiting: no hit is recorded that nobody will use.
  if (ctx.signal.aborted) return { miss: 'timeout' };
  const r = await hit({ activity, input, ctx }, found.hit, started);
  return { hit: { output: r.output, attempt: 1, ...(r.cached && { cached: r.cached }) } };
}

/** The probe activity, wired to the worker's DAGs and store (registered as CACHE_PROBE_ACTIVITY). */
export function cacheProbeActivity(deps: TaskRunnerDeps): (inv: TaskInvocation) => Promise<CacheProbeResult> {
  return async (inv) => {
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.abort(new ProbeTimeout());
        reject(new ProbeTimeout());
      }, probeTimeoutMs());
    });
    try {
      return await Promise.race([probe(deps, inv, deadline.signal), timedOut]);
    } catch (err) {
      if (err instanceof ProbeTimeout || deadline.signal.aborted) return { miss: 'timeout', detail: `after ${probeTimeoutMs()} ms` };
      // The workflow stopped waiting (its 5 s) or the run was cancelled: nobody reads this answer.
      if (Context.current().cancellationSignal.aborted) return { miss: 'timeout', detail: 'cancelled by the workflow' };
      const message = err instanceof Error ? err.message : String(err);
      Context.current().log.warn('cache probe failed; the task runs as usual', { task: inv.taskId, error: message });
      return { miss: 'error', detail: message.slice(0, 500) };
    } finally {
      clearTimeout(timer);
    }
  };
}
