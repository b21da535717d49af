/**
 * The cache probe's contract between the workflow (workflows/cache-probe.ts) and the worker
 * (activities/cache/probe.ts): the local activity's name, its answer, and its limits.
 */
import type { TaskResult } from './output-ref';

/** The local activity every workflow worker registers (workers/create-worker.ts). */
export const CACHE_PROBE_ACTIVITY = 'tideflowCacheProbe';

/** The workflow stops waiting for the probe after this long and schedules the task as usual. */
export const CACHE_PROBE_TIMEOUT = '5s';

/**
 * A verified hit, as the cached activity would have returned it (`cached` names the source run);
 * or why not, and the task's activity is scheduled as usual (it does its own lookup).
 */
export type CacheProbeResult =
  | { hit: TaskResult }
  | { miss: 'uncached' | 'absent' | 'expired' | 'refresh' | 'invalid' | 'artifacts' | 'budget' | 'timeout' | 'error'; detail?: string };
