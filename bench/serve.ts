/**
 * Prediction server benchmark (issue 12): `npx tsx bench/serve.ts [--requests 4000] [--concurrency 8]`.
 * Starts its own MinIO (+ Temporal dev server, unused) stack, trains a 100-tree GBT on the flights
 * data with a flights-style pipeline (bench/scoring-flights.ts: date → hour, weekday, month; distance
 * imputed and standardized; origin and destination as native categorical codes; target: delayed
 * more than 15 minutes), registers and promotes it, runs the prediction server as its own process
 * (`node --import tsx serve/main.ts`, so the load generator does not share its event loop) and measures
 * over loopback with node's fetch:
 *   - single-row requests at the given concurrency: latency p50 / p99 (client side, ms);
 *   - 1,000-row batches, sequential: median and p90 time per batch (ms);
 *   - cold start: process spawn → /v2/health/ready (model preloaded), and in-process create → ready.
 * Not wired into bench/main.ts; prints a table and a JSON line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { putArtifact } from '../activities/ml/store';
import { frameToRows, takeRows } from '../ml/frame/frame';
import { promoteVersion, registerModelVersion } from '../registry';
import { serveSettings } from '../serve/config';
import { createPredictionServer } from '../serve/server';
import { createS3Client } from '../storage/s3-client';
import { findFreePort } from '../infra/ports';
import { openEnvironment, TUNED_DYNAMIC_CONFIG } from './environment';
import { quantile } from './stats';
import { flightsFrame, trainFlights } from './scoring-flights';

const TOKEN = 'bench-serve-token-0123456789';
const log = (line: string): void => console.error(`[bench serve] ${line}`);

/** CPU time (user + system, ms) the process has used so far, from /proc (Linux); NaN elsewhere. */
function serverCpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name: state is field 3, utime 14, stime 15 (in clock ticks, 100 per second on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Poll readiness; after `ms`, fail with what the model route says (why the preload did not finish). */
async function waitReady(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await fetch(`${url}/v2/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  const why = await fetch(`${url}/models/flights`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text(), String);
  throw new Error(`the server at ${url} was not ready after ${ms} ms: ${why}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { requests: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '8' } },
  });
  const total = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const env = await openEnvironment(undefined, { dynamicConfig: TUNED_DYNAMIC_CONFIG }, log);
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const store = { s3: createS3Client(env.config.s3), bucket: env.config.s3.bucket, prefix: env.config.s3.prefix };
    // The flights-style model of bench/scoring-flights.ts: date parts, distance, origin and destination as native categories.
    const frame = flightsFrame();
    const t0 = Date.now();
    const { artifact } = await trainFlights(frame);
    log(`trained a 100-tree GBT (flights-style pipeline) on ${frame.rows} rows in ${Date.now() - t0} ms`);
    const ref = await putArtifact(store, `${store.prefix}bench-serve/flights.json`, artifact);
    const v = await registerModelVersion(store, {
      name: 'flights',
      model: ref,
      source: { dagId: 'bench', workflowId: 'bench', runId: 'bench', taskId: 'register' },
      idempotencyKey: 'bench/register',
    });
    await promoteVersion(store, { name: 'flights', alias: 'champion', version: v.version, actor: 'bench', reason: 'bench' });

    // In-process cold start: create → listening → model preloaded (modules already loaded).
    const inProc = createPredictionServer({
      settings: {
        ...serveSettings({ TIDEFLOW_SERVE_TOKEN: TOKEN, TIDEFLOW_SERVE_PORT: '0', TIDEFLOW_SERVE_LOG: 'off' }),
        preload: ['flights@champion'],
      },
      store,
      log: () => undefined,
    });
    const c0 = performance.now();
    const inUrl = await inProc.listen();
    await waitReady(inUrl, 30_000);
    const inProcessColdMs = performance.now() - c0;
    await inProc.close();

    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const s0 = performance.now();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'serve', 'main.ts')], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: env.config.s3.credentials?.accessKeyId,
        AWS_SECRET_ACCESS_KEY: env.config.s3.credentials?.secretAccessKey,
        AWS_ENDPOINT_URL_S3: env.config.s3.endpoint,
        AWS_REGION: env.config.s3.region,
        TIDEFLOW_BUCKET: env.config.s3.bucket,
        TIDEFLOW_PREFIX: env.config.s3.prefix,
        TIDEFLOW_SERVE_PORT: String(port),
        TIDEFLOW_SERVE_TOKEN: TOKEN,
        TIDEFLOW_SERVE_PRELOAD: 'flights@champion',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitReady(url, 60_000);
    const processColdMs = performance.now() - s0;

    const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
    const features = frameToRows(
      takeRows(
        frame,
        Array.from({ length: 2000 }, (_, i) => i * 7),
      ),
    );
    const inputs = ['date', 'distance', 'origin', 'destination'];
    const bodies = features.map((r) => JSON.stringify({ dataframe_records: [Object.fromEntries(inputs.map((c) => [c, r[c]]))] }));
    const call = async (body: string): Promise<number> => {
      const t = performance.now();
      const res = await fetch(`${url}/models/flights/invocations`, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 300; i++) await call(bodies[i % bodies.length] as string); // warm-up (JIT, keep-alive sockets)
    const single: number[] = [];
    let next = 0;
    const cpu0 = serverCpuMs(child.pid);
    const w0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) single.push(await call(bodies[next++ % bodies.length] as string));
      }),
    );
    const wallS = (performance.now() - w0) / 1000;
    const singleCpuMs = serverCpuMs(child.pid) - cpu0;
    const batchBody = JSON.stringify({
      dataframe_split: { columns: inputs, data: features.slice(0, 1000).map((r) => inputs.map((c) => r[c])) },
    });
    for (let i = 0; i < 3; i++) await call(batchBody);
    const batch: number[] = [];
    const cpu1 = serverCpuMs(child.pid);
    for (let i = 0; i < 30; i++) batch.push(await call(batchBody));
    const batchCpuMs = serverCpuMs(child.pid) - cpu1;
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    const result = {
      singleRow: {
        concurrency,
        requests: single.length,
        p50Ms: r2(quantile(single, 0.5)),
        p99Ms: r2(quantile(single, 0.99)),
        throughputPerS: Math.round(single.length / wallS),
        serverCpuMsPerRequest: r2(singleCpuMs / single.length),
      },
      batch1000: {
        requests: batch.length,
        medianMs: r2(quantile(batch, 0.5)),
        p90Ms: r2(quantile(batch, 0.9)),
        serverCpuMsPerRequest: r2(batchCpuMs / batch.length),
      },
      coldStart: { processSpawnToReadyMs: Math.round(processColdMs), inProcessCreateToReadyMs: r2(inProcessColdMs) },
      load: (await import('node:os')).loadavg().map((l) => r2(l)),
    };
    console.log(
      [
        `single row, concurrency ${concurrency}: p50 ${result.singleRow.p50Ms} ms, p99 ${result.singleRow.p99Ms} ms over ${single.length} requests (${result.singleRow.throughputPerS} req/s)`,
        `1,000-row batch: median ${result.batch1000.medianMs} ms, p90 ${result.batch1000.p90Ms} ms (${batch.length} requests)`,
        `server CPU time per request (user + system, from /proc; insensitive to other processes' load): single row ${result.singleRow.serverCpuMsPerRequest} ms, 1,000 rows ${result.batch1000.serverCpuMsPerRequest} ms`,
        `cold start: process spawn → ready ${result.coldStart.processSpawnToReadyMs} ms (includes node + tsx compiling); in-process create → ready ${result.coldStart.inProcessCreateToReadyMs} ms`,
        `load average during the run: ${result.load.join(', ')}`,
      ].join('\n'),
    );
    console.log(JSON.stringify(result));
  } finally {
    child?.kill('SIGTERM');
    await env.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
