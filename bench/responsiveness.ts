/**
 * How responsive the worker stays while a long run executes (issue 11: the `state` query answers
 * within a second during a 1.5M-row fit). The bench's worker runs in this process, so this
 * process's event-loop delay is the worker's; the `state` query goes through the Temporal server
 * to that worker, as `tideflow runs show` does.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { WorkflowHandle } from '@temporalio/client';

export interface Responsiveness {
  /** State queries sent (one per interval) and their latency, in milliseconds. */
  queries: number;
  queryP50Ms: number;
  queryMaxMs: number;
  /** Queries that failed (no answer within the client's deadline, or an error). */
  queryFailures: number;
  /** The worker process's event-loop delay, in milliseconds. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Event-loop stalls over STALL_MS: when (ISO) and how long, to find which task caused them. */
  stalls: { at: string; ms: number }[];
}

const STALL_MS = 200;
const TICK_MS = 20;

/** Starts probing; the returned function stops and summarises. */
export function probeResponsiveness(handle: WorkflowHandle, intervalMs = 1000): () => Promise<Responsiveness> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const latencies: number[] = [];
  const stalls: { at: string; ms: number }[] = [];
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK_MS;
    if (late > STALL_MS) stalls.push({ at: new Date(Date.now() - late).toISOString(), ms: Math.round(late) });
    last = now;
  }, TICK_MS);
  let failures = 0;
  let stopped = false;
  const probing = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        await handle.query('state');
        latencies.push(performance.now() - t0);
      } catch {
        failures += 1;
      }
      const wait = intervalMs - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return async () => {
    stopped = true;
    await probing;
    loop.disable();
    clearInterval(ticker);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      queries: sorted.length,
      queryP50Ms: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      queryMaxMs: sorted[sorted.length - 1] ?? NaN,
      queryFailures: failures,
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
      stalls,
    };
  };
}
