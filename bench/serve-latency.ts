/**
 * The serve benchmark's latency part, against one server process: single-row requests at a fixed
 * concurrency (client-side p50/p99, and the server's CPU time per request from /proc, which other
 * processes' load does not inflate), then sequential 1,000-row batches. Run against a server with
 * the prediction log on and one with it off, in the same bench run, to price the log.
 */
import type { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
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
    /**
     * The same, over a second window of as many requests right after the first: the server's code is
     * then compiled by the JIT. The first window (after a 300-request warm-up) still pays for most of
     * the compilation (V8's compiler threads count in the process's CPU time) and for code not yet optimized.
     */
    warmServerCpuMsPerRequest: number;
    /** The load generator's own CPU per request (this process: user + system), to see the server's share of the two cores. */
    clientCpuMsPerRequest: number;
  };
  batch1000: { requests: number; medianMs: number; p90Ms: number; serverCpuMsPerRequest: number };
}

/**
 * With TIDEFLOW_BENCH_SERVE_CPU_PROF (servers run with --cpu-prof), each measured phase is
 * appended to <dir>/phases.jsonl with its monotonic-clock interval in µs: the clock of the
 * profiles' sample timestamps, so a profile can be cut to one phase.
 */
function markPhase(pid: number | undefined, phase: string, startUs: bigint): void {
  const dir = process.env.TIDEFLOW_BENCH_SERVE_CPU_PROF;
  if (!dir) return;
  const line = { pid, phase, startUs: Number(startUs), endUs: Number(process.hrtime.bigint() / 1000n) };
  appendFileSync(path.join(dir, 'phases.jsonl'), `${JSON.stringify(line)}\n`);
}

async function timed(url: string, body: string): Promise<number> {
  const t = performance.now();
  const a = await invoke(url, body);
  if (a.status !== 200) throw new Error(`status ${a.status}`);
  return performance.now() - t;
}

/** `requests` requests from `concurrency` clients in a closed loop, after a warm-up at the same concurrency (JIT, one keep-alive socket per client). */
async function closedLoop(url: string, bodies: readonly string[], concurrency: number, requests: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) times.push(await timed(url, bodies[next++ % bodies.length] as string));
    }),
  );
  return times;
}

/** Single-row requests at a fixed concurrency: client-side p50/p99, throughput, and both sides' CPU per request. */
export async function measureSingleRows(
  url: string,
  child: ChildProcess,
  bodies: readonly string[],
  o: { concurrency: number; requests: number },
  phase = 'single-row',
): Promise<LatencyResult['singleRow']> {
  await closedLoop(url, bodies, o.concurrency, 300);
  const cpu0 = processCpuMs(child.pid);
  const client0 = process.cpuUsage();
  const mark0 = process.hrtime.bigint() / 1000n;
  const w0 = performance.now();
  const single = await closedLoop(url, bodies, o.concurrency, o.requests);
  const wallS = (performance.now() - w0) / 1000;
  const singleCpuMs = processCpuMs(child.pid) - cpu0;
  const client = process.cpuUsage(client0);
  markPhase(child.pid, phase, mark0);
  const cpu1 = processCpuMs(child.pid);
  const mark1 = process.hrtime.bigint() / 1000n;
  const warm = await closedLoop(url, bodies, o.concurrency, o.requests);
  markPhase(child.pid, `${phase}-warm`, mark1);
  const warmCpuMs = processCpuMs(child.pid) - cpu1;
  return {
    concurrency: o.concurrency,
    requests: single.length,
    p50Ms: round(quantile(single, 0.5)),
    p99Ms: round(quantile(single, 0.99)),
    throughputPerS: Math.round(single.length / wallS),
    serverCpuMsPerRequest: round(singleCpuMs / single.length),
    warmServerCpuMsPerRequest: round(warmCpuMs / warm.length),
    clientCpuMsPerRequest: round((client.user + client.system) / 1000 / single.length),
  };
}

export async function measureLatency(
  url: string,
  child: ChildProcess,
  bodies: readonly string[],
  batchBody: string,
  o: { concurrency: number; requests: number; batches: number },
): Promise<LatencyResult> {
  const singleRow = await measureSingleRows(url, child, bodies, o);
  for (let i = 0; i < 3; i++) await timed(url, batchBody);
  const batch: number[] = [];
  const cpu1 = processCpuMs(child.pid);
  const mark1 = process.hrtime.bigint() / 1000n;
  for (let i = 0; i < o.batches; i++) batch.push(await timed(url, batchBody));
  markPhase(child.pid, 'batch-1000', mark1);
  const batchCpuMs = processCpuMs(child.pid) - cpu1;
  return {
    singleRow,
    batch1000: {
      requests: batch.length,
      medianMs: round(quantile(batch, 0.5)),
      p90Ms: round(quantile(batch, 0.9)),
      serverCpuMsPerRequest: round(batchCpuMs / batch.length),
    },
  };
}
