/**
 * Prediction server benchmark (issue 12): `npx tsx bench/serve.ts [--requests 4000] [--concurrency 8]`.
 * Starts its own MinIO (+ Temporal dev server, unused) stack, trains a 100-tree GBT on the flights
 * data with a flights-style pipeline (impute + standardize of distance and time; target: delayed
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
import { resolvePackageFile } from '../activities/ml/source';
import { putArtifact } from '../activities/ml/store';
import { estimatorToJson, fitEstimator } from '../ml/estimators';
import { fitTransformFeatures } from '../ml/features';
import { frameFromRows, frameToRows, takeRows, type Row } from '../ml/frame/frame';
import { MODEL_FORMAT, MODEL_VERSION, type ModelArtifact } from '../ml/predict';
import { promoteVersion, registerModelVersion } from '../registry';
import { serveSettings } from '../serve/config';
import { createPredictionServer } from '../serve/server';
import { createS3Client } from '../storage/s3-client';
import { findFreePort } from '../infra/ports';
import { openEnvironment, TUNED_DYNAMIC_CONFIG } from './environment';
import { quantile } from './stats';

const TOKEN = 'bench-serve-token-0123456789';
const log = (line: string): void => console.error(`[bench serve] ${line}`);

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
    const raw = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/flights-200k.json'), 'utf8')) as Row[];
    const rows: Row[] = raw
      .slice(0, 50_000)
      .map((r) => ({ distance: r.distance, time: r.time, late: (r.delay as number) > 15 ? 'late' : 'on_time' }));
    const frame = frameFromRows(rows);
    const spec = {
      features: ['distance', 'time'],
      steps: [
        { op: 'impute' as const, columns: ['distance', 'time'], strategy: 'median' as const },
        { op: 'standardize' as const, columns: ['distance', 'time'] },
      ],
    };
    const fit = fitTransformFeatures(frame, spec);
    const y = Int32Array.from(rows, (r) => (r.late === 'late' ? 1 : 0));
    const t0 = Date.now();
    const est = await fitEstimator({
      kind: 'gbt',
      task: 'binary',
      x: fit.matrix,
      y,
      numClasses: 2,
      hyperparams: { maxIter: 100, earlyStopping: false },
      seed: 1,
    });
    log(`trained a ${est.fitInfo.iterations}-tree GBT on ${frame.rows} rows in ${Date.now() - t0} ms`);
    const artifact: ModelArtifact = {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      modelName: 'flights',
      task: 'binary',
      target: 'late',
      classes: ['on_time', 'late'],
      pipeline: fit.fitted,
      estimator: estimatorToJson(est),
      trial: { index: 0, kind: 'gbt', hyperparams: { maxIter: 100 } },
      training: { rows: frame.rows, dataset: 'bench', split: 'bench', seed: 1, dagId: 'bench', workflowId: 'bench' },
    };
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
    const bodies = features.map((r) => JSON.stringify({ dataframe_records: [{ distance: r.distance, time: r.time }] }));
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
    const w0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) single.push(await call(bodies[next++ % bodies.length] as string));
      }),
    );
    const wallS = (performance.now() - w0) / 1000;
    const batchBody = JSON.stringify({
      dataframe_split: { columns: ['distance', 'time'], data: features.slice(0, 1000).map((r) => [r.distance, r.time]) },
    });
    for (let i = 0; i < 3; i++) await call(batchBody);
    const batch: number[] = [];
    for (let i = 0; i < 30; i++) batch.push(await call(batchBody));
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    const result = {
      singleRow: {
        concurrency,
        requests: single.length,
        p50Ms: r2(quantile(single, 0.5)),
        p99Ms: r2(quantile(single, 0.99)),
        throughputPerS: Math.round(single.length / wallS),
      },
      batch1000: { requests: batch.length, medianMs: r2(quantile(batch, 0.5)), p90Ms: r2(quantile(batch, 0.9)) },
      coldStart: { processSpawnToReadyMs: Math.round(processColdMs), inProcessCreateToReadyMs: r2(inProcessColdMs) },
      load: (await import('node:os')).loadavg().map((l) => r2(l)),
    };
    console.log(
      [
        `single row, concurrency ${concurrency}: p50 ${result.singleRow.p50Ms} ms, p99 ${result.singleRow.p99Ms} ms over ${single.length} requests (${result.singleRow.throughputPerS} req/s)`,
        `1,000-row batch: median ${result.batch1000.medianMs} ms, p90 ${result.batch1000.p90Ms} ms (${batch.length} requests)`,
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
