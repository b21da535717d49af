/**
 * `npm run bench -- --only serve`: the prediction server (issue 12), one run, over loopback with
 * node's http (keep-alive) against the server in its own process (bench/serve-setup.ts), on issue 12's
 * flights-style model (bench/scoring-flights.ts, 100 trees; a 60-tree version is the candidate):
 *   - single-row requests at concurrency 8: latency p50 / p99 (client side, ms), and the server's CPU
 *     time per request from /proc (which other processes' load does not inflate), and that CPU time
 *     again over the next as many requests, once the JIT has compiled the server's code;
 *   - 1,000-row batches, sequential: median and p90 time per batch (ms);
 *   - both with the prediction log on and off (two server processes): the log's cost;
 *   - cold start: spawning `tideflow serve` (its prebuilt bundle) → /v2/health/ready with the
 *     champion preloaded, node's own start included; and the same from source through tsx;
 *   - a canary at 10 % driven by the rollout workflow: observed share over 10,000 requests, and
 *     stickiness of 1,000 route keys (bench/serve-rollout.ts);
 *   - a promotion v1 → v2 during a 2,000 req/s open-loop load: switch time, errors, mixed answers.
 * Targets from the issue are printed next to each figure; a miss is reported, never an exit code.
 */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { buildServeBundle } from '../infra/serve-bundle';
import { frameToRows, takeRows } from '../ml/frame/frame';
import { parseModelDocument, scoreFrame } from '../ml/predict';
import { promoteVersion } from '../registry';
import { serveSettings } from '../serve/config';
import { createPredictionServer } from '../serve/server';
import { createS3Client } from '../storage/s3-client';
import { measureLatency, measureSingleRows } from './serve-latency';
import { canaryShare, promotionUnderLoad } from './serve-rollout';
import { flightsFrame } from './scoring-flights';
import { INPUTS, MODEL, registerArtifact, spawnFloor, spawnServer, TOKEN, trainFlightsGbt, waitReady } from './serve-setup';
import { round } from './stats';
import { formatTable, verdict } from './table';
import type { BenchContext, BenchOutcome, Benchmark } from './types';

const LATENCY = { concurrency: 8, requests: 4000, batches: 30 };
/** The logged server writes a batch every 1,000 rows, so its flushes (Arrow encoding, S3 PUT) fall inside the measured windows. */
const LOG_ROWS = '1000';

export const serveBench: Benchmark = {
  name: 'serve',
  title: 'prediction server: latency, batch, cold start, canary split, promotion under load',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const { config } = ctx;
    const store = { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix };
    const frame = flightsFrame();
    const t0 = Date.now();
    const [a1, a2] = [await trainFlightsGbt(frame, 100), await trainFlightsGbt(frame, 60)];
    ctx.log(`trained 100- and 60-tree GBTs (flights-style pipeline) on ${frame.rows} rows in ${Date.now() - t0} ms`);
    const v1 = await registerArtifact(store, a1, 'v1');
    const v2 = await registerArtifact(store, a2, 'v2');
    await promoteVersion(store, { name: MODEL, alias: 'champion', version: v1, actor: 'bench', reason: 'bench' });

    const rows = takeRows(
      frame,
      Array.from({ length: 2000 }, (_, i) => i * 7),
    );
    const features = frameToRows(rows);
    const bodies = features.map((r) => JSON.stringify({ dataframe_records: [Object.fromEntries(INPUTS.map((c) => [c, r[c]]))] }));
    const late = (a: typeof a1): Float64Array => {
      const scores = scoreFrame(parseModelDocument(JSON.parse(JSON.stringify(a)), 'bench'), rows);
      return Float64Array.from({ length: rows.rows }, (_, i) => scores.proba?.[i * 2 + 1] ?? NaN);
    };
    const expected = { [v1]: late(a1), [v2]: late(a2) };

    // In-process cold start: create → listening → champion preloaded (modules already loaded).
    const inProc = createPredictionServer({
      settings: {
        ...serveSettings({ TIDEFLOW_SERVE_TOKEN: TOKEN, TIDEFLOW_SERVE_PORT: '0', TIDEFLOW_SERVE_LOG: 'off' }),
        preload: [`${MODEL}@champion`],
      },
      store,
      log: () => undefined,
    });
    const c0 = performance.now();
    await waitReady(await inProc.listen(), 30_000);
    const inProcessColdMs = performance.now() - c0;
    await inProc.close();

    ctx.log(`serve bundle: ${await buildServeBundle()}`);
    // Cold start from source (tsx compiling on the fly), for the ratio; stopped at once.
    const fromSource = await spawnServer(config, 'source');
    fromSource.child.kill('SIGTERM');
    ctx.log(`from source: ${fromSource.readyLine}`);
    const batchBody = JSON.stringify({
      dataframe_split: { columns: INPUTS, data: features.slice(0, 1000).map((r) => INPUTS.map((c) => r[c])) },
    });
    // The prediction log priced by the same measurement on a server without it.
    let unlogged: ChildProcess | undefined;
    let child: ChildProcess | undefined;
    try {
      const off = await spawnServer(config, 'bundle', { TIDEFLOW_SERVE_LOG: 'off' });
      unlogged = off.child;
      const noLog = await measureLatency(off.url, off.child, bodies, batchBody, LATENCY);
      unlogged.kill('SIGTERM');
      ctx.log(`bundled, log off: ${off.readyLine}`);
      // The floor: the same requests answered by node's http alone and by fastify alone (no model, no auth, no log).
      const floor: Record<'http' | 'fastify', Awaited<ReturnType<typeof measureSingleRows>>> = {} as never;
      for (const kind of ['http', 'fastify'] as const) {
        const f = await spawnFloor(kind);
        try {
          floor[kind] = await measureSingleRows(f.url, f.child, bodies, LATENCY, `floor-${kind}`);
        } finally {
          f.child.kill('SIGTERM');
        }
      }
      const server = await spawnServer(config, 'bundle', { TIDEFLOW_SERVE_LOG_MAX_ROWS: LOG_ROWS });
      ctx.log(`bundled, log on: ${server.readyLine}`);
      child = server.child;
      const { url } = server;
      const logged = await measureLatency(url, child, bodies, batchBody, LATENCY);
      ctx.log('canary at 10 %…');
      const canary = await canaryShare(ctx.client, ctx.taskQueue, url, store, bodies, {
        candidate: v2,
        weight: 10,
        requests: 10_000,
        keys: 1000,
        perKey: 5,
      });
      ctx.log('promotion under load…');
      const promotion = await promotionUnderLoad(url, store, bodies, expected, {
        ratePerS: 2000,
        seconds: 10,
        promoteAtS: 3,
        from: v1,
        to: v2,
      });
      const result = {
        ...logged,
        withoutLog: noLog,
        floor,
        coldStart: {
          processSpawnToReadyMs: Math.round(server.coldMs),
          processSpawnToReadyNoLogMs: Math.round(off.coldMs),
          fromSourceSpawnToReadyMs: Math.round(fromSource.coldMs),
          inProcessCreateToReadyMs: round(inProcessColdMs),
        },
        canary,
        promotion,
        load: loadavg().map((l) => round(l)),
      };
      const p = promotion;
      const switchMs = Math.max(p.firstV2AfterMs, p.lastV1AfterMs);
      const share = canary.candidateShare;
      const table = formatTable(
        ['measure', 'measured', 'target', ''],
        [
          ['single row p50 (c=8)', `${result.singleRow.p50Ms} ms`, '≤ 1 ms', verdict(result.singleRow.p50Ms <= 1)],
          ['single row p99 (c=8)', `${result.singleRow.p99Ms} ms`, '≤ 5 ms', verdict(result.singleRow.p99Ms <= 5)],
          ['1,000-row batch (median)', `${result.batch1000.medianMs} ms`, '≤ 20 ms', verdict(result.batch1000.medianMs <= 20)],
          [
            '  log off: single row p50 / p99',
            `${noLog.singleRow.p50Ms} / ${noLog.singleRow.p99Ms} ms`,
            '≤ 1 / ≤ 5 ms',
            verdict(noLog.singleRow.p50Ms <= 1 && noLog.singleRow.p99Ms <= 5),
          ],
          ['  log off: 1,000-row batch (median)', `${noLog.batch1000.medianMs} ms`, '≤ 20 ms', verdict(noLog.batch1000.medianMs <= 20)],
          [
            'cold start (in-process create → ready)',
            `${result.coldStart.inProcessCreateToReadyMs} ms`,
            '≤ 1000 ms',
            verdict(result.coldStart.inProcessCreateToReadyMs <= 1000),
          ],
          [
            'cold start: spawn `tideflow serve` → ready',
            `${result.coldStart.processSpawnToReadyMs} ms`,
            '≤ 1000 ms',
            verdict(result.coldStart.processSpawnToReadyMs <= 1000),
          ],
          [
            '  same, the log-off server',
            `${result.coldStart.processSpawnToReadyNoLogMs} ms`,
            '≤ 1000 ms',
            verdict(result.coldStart.processSpawnToReadyNoLogMs <= 1000),
          ],
          ['  from source (tsx), for comparison', `${result.coldStart.fromSourceSpawnToReadyMs} ms`, '', ''],
          [`canary 10 %: share over ${canary.requests}`, `${share} %`, '10 ± 1.5 %', verdict(Math.abs(share - 10) <= 1.5)],
          [
            `sticky keys changed (${canary.keys} × ${canary.requestsPerKey})`,
            String(canary.keysThatChangedVersion),
            '0',
            verdict(canary.keysThatChangedVersion === 0),
          ],
          [`promotion at ${p.achievedPerS}/${p.targetPerS} req/s: switch`, `${switchMs} ms`, '≤ 5000 ms', verdict(switchMs <= 5000)],
          ['promotion: errors / mixed answers', `${p.errors} / ${p.mixed}`, '0 / 0', verdict(p.errors === 0 && p.mixed === 0)],
        ],
      );
      const report = [
        `serve: ${result.singleRow.requests} single-row requests (${result.singleRow.throughputPerS} req/s), canary ${canary.keysOnCandidate}/${canary.keys} keys on the candidate, promotion ${p.requests} requests (first v2 answer ${p.firstV2AfterMs} ms after the alias moved, last v1 answer ${p.lastV1AfterMs} ms after; ${p.skippedAtCap} skipped at ${256} in flight)`,
        table,
        `server CPU time per request (user + system, from /proc; insensitive to other processes' load): single row ${result.singleRow.serverCpuMsPerRequest} ms, 1,000 rows ${result.batch1000.serverCpuMsPerRequest} ms; log off: ${noLog.singleRow.serverCpuMsPerRequest} ms, ${noLog.batch1000.serverCpuMsPerRequest} ms`,
        `  the next ${result.singleRow.requests} single-row requests (code compiled by then): ${result.singleRow.warmServerCpuMsPerRequest} ms; log off ${noLog.singleRow.warmServerCpuMsPerRequest} ms; floor: node http alone ${floor.http.warmServerCpuMsPerRequest} ms, fastify alone ${floor.fastify.warmServerCpuMsPerRequest} ms`,
        `client (load generator) CPU time per single-row request: ${result.singleRow.clientCpuMsPerRequest} ms (log off run: ${noLog.singleRow.clientCpuMsPerRequest} ms); with the server's, ${round(result.singleRow.serverCpuMsPerRequest + result.singleRow.clientCpuMsPerRequest)} ms of the 2 cores per request`,
        `floor, the same single-row requests without Tideflow (bench/serve-floor.ts): ${(['http', 'fastify'] as const)
          .map(
            (k) =>
              `${k === 'http' ? 'node http alone' : 'fastify alone'}: p50 ${floor[k].p50Ms} ms / p99 ${floor[k].p99Ms} ms, ${floor[k].throughputPerS} req/s, server CPU ${floor[k].serverCpuMsPerRequest} ms, client CPU ${floor[k].clientCpuMsPerRequest} ms per request`,
          )
          .join('; ')}`,
        `prediction log cost (server CPU on − off, written every ${LOG_ROWS} rows): single row ${round(result.singleRow.serverCpuMsPerRequest - noLog.singleRow.serverCpuMsPerRequest)} ms, 1,000 rows ${round(result.batch1000.serverCpuMsPerRequest - noLog.batch1000.serverCpuMsPerRequest)} ms`,
        `load average during the run: ${result.load.join(', ')}`,
      ].join('\n');
      return { result, report };
    } finally {
      unlogged?.kill('SIGTERM');
      child?.kill('SIGTERM');
      store.s3.destroy();
    }
  },
};
