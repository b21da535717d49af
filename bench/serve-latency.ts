/**
 * The serve benchmark's latency part, against one server process: single-row requests at a fixed
 * concurrency (client-side p50/p99, and the server's CPU time per request from /proc, which other
 * processes' load does not inflate), then sequential 1,000-row batches. Run against a server with
 * the prediction log on and one with it off, in the same bench run, to price the log.
 */
import type { ChildProcess } from 'node:child_process';
import { invoke, processCpuMs } from './serve-setup';
import { quantile, round } from './stats';

export interface LatencyResult {
  singleRow: {
    concurrency: number;
    requests: number;
    p50Ms: number;
    p99Ms: number;
    throughputPerS: number;
    serverCpuMsPerRequest: number;
    /** The load generator's own CPU per request (this process: user + system), to see the server's share of the two cores. */
    clientCpuMsPerRequest: number;
  };
  batch1000: { requests: number; medianMs: number; p90Ms: number; serverCpuMsPerRequest: number };
}

async function timed(url: string, body: string): Promise<number> {
  const t = performance.now();
  const a = await invoke(url, body);
  if (a.status !== 200) throw new Error(`status ${a.status}`);
  return performance.now() - t;
}

export async function measureLatency(
  url: string,
  child: ChildProcess,
  bodies: readonly string[],
  batchBody: string,
  o: { concurrency: number; requests: number; batches: number },
): Promise<LatencyResult> {
  for (let i = 0; i < 300; i++) await timed(url, bodies[i % bodies.length] as string); // warm-up (JIT, keep-alive sockets)
  const single: number[] = [];
  let next = 0;
  const cpu0 = processCpuMs(child.pid);
  const client0 = process.cpuUsage();
  const w0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.requests) single.push(await timed(url, bodies[next++ % bodies.length] as string));
    }),
  );
  const wallS = (performance.now() - w0) / 1000;
  const singleCpuMs = processCpuMs(child.pid) - cpu0;
  const client = process.cpuUsage(client0);
  for (let i = 0; i < 3; i++) await timed(url, batchBody);
  const batch: number[] = [];
  const cpu1 = processCpuMs(child.pid);
  for (let i = 0; i < o.batches; i++) batch.push(await timed(url, batchBody));
  const batchCpuMs = processCpuMs(child.pid) - cpu1;
  return {
    singleRow: {
      concurrency: o.concurrency,
      requests: single.length,
      p50Ms: round(quantile(single, 0.5)),
      p99Ms: round(quantile(single, 0.99)),
      throughputPerS: Math.round(single.length / wallS),
      serverCpuMsPerRequest: round(singleCpuMs / single.length),
      clientCpuMsPerRequest: round((client.user + client.system) / 1000 / single.length),
    },
    batch1000: {
      requests: batch.length,
      medianMs: round(quantile(batch, 0.5)),
      p90Ms: round(quantile(batch, 0.9)),
      serverCpuMsPerRequest: round(batchCpuMs / batch.length),
    },
  };
}
