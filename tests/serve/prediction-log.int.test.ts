/**
 * The prediction log in MinIO: every scored row lands in
 * predictions/<model>/dt=YYYY-MM-DD/<time>-<uuid>.arrow with its request id, model, version,
 * inputs and outputs; labels join by request id (`tideflow predictions label`); a server killed
 * with SIGKILL loses only the batch it had not flushed, and SIGTERM flushes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../cli/main';
import { findFreePort } from '../../infra/ports';
import { cellAt, frameToRows, getColumn, takeRows, type Frame } from '../../ml/frame/frame';
import { frameFromArrow } from '../../ml/io/arrow';
import { isLogFile } from '../../ml/predict/log-layout';
import type { PredictionServer } from '../../serve/server';
import { listKeys } from '../../storage/documents';
import { captureIo } from '../cli/helpers';
import { computeDriftReport } from '../../activities/drift/monitor';
import { testContext, testStore } from '../ml/activity-env';
import { PENGUIN_FEATURE_COLUMNS } from '../fixtures/penguins';
import { auth, penguinFrame, post, register, startServer, TOKEN, trainModel } from './helpers';

const prefix = `serve-log-${Date.now()}`;
const store = testStore(prefix);
const name = `penguins-${Math.random().toString(36).slice(2, 8)}`;
const rows = frameToRows(takeRows(penguinFrame(), [0, 1, 200, 300]));
const ROOT = join(__dirname, '..', '..');

async function readLog(model: string, suffix = (k: string) => isLogFile(k)): Promise<{ keys: string[]; frames: Frame[] }> {
  const keys = (await listKeys(store, `${store.prefix}predictions/${model}/`)).filter(suffix);
  const frames = await Promise.all(
    keys.map(async (k) => {
      const res = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: k }));
      return frameFromArrow(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    }),
  );
  return { keys, frames };
}

const requestIds = (frames: Frame[]): string[] =>
  frames.flatMap((f) => Array.from({ length: f.rows }, (_, i) => cellAt(getColumn(f, 'request_id'), i) as string)).sort();

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  await register(store, await trainModel(name, 'logistic_regression', { C: 1 }), 'run-1', 'champion');
}, 120_000);

describe('in-process server', () => {
  let server: PredictionServer;
  let url: string;
  beforeAll(async () => {
    ({ server, url } = await startServer(store, { log: { enabled: true, maxRows: 1000, maxDelayMs: 300, maxBufferedRows: 10_000 } }));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('writes every scored row with request id, model, version, inputs and outputs; labels join by request id', async () => {
    const one = await post(`${url}/models/${name}/invocations`, { dataframe_records: rows.slice(0, 2) }, { 'x-request-id': 'req-one' });
    const two = await post(
      `${url}/v2/models/${name}/infer`,
      {
        inputs: Object.keys(rows[0] ?? {})
          .filter((c) => c !== 'species')
          .map((c) => ({
            name: c,
            datatype: typeof rows[2]?.[c] === 'number' ? 'FP64' : 'BYTES',
            shape: [1],
            data: [rows[2]?.[c] ?? null],
          })),
      },
      { 'x-request-id': 'req-two' },
    );
    expect([one.status, two.status]).toEqual([200, 200]);
    const { keys, frames } = await until('the log files', async () => {
      const log = await readLog(name);
      return requestIds(log.frames).length === 3 ? log : undefined;
    });
    const day = new Date().toISOString().slice(0, 10);
    for (const k of keys) expect(k).toMatch(new RegExp(`^${prefix}/predictions/${name}/dt=${day}/\\d{8}T\\d{9}Z-[0-9a-f-]{36}\\.arrow$`));
    const logged = frames.flatMap((f) => frameToRows(f));
    const first = logged.find((r) => r.request_id === 'req-one' && r.row_index === 1);
    expect(first).toMatchObject({
      model: name,
      model_version: 1,
      island: rows[1]?.island,
      flipper_length_mm: rows[1]?.flipper_length_mm,
      prediction: one.json.predictions[1].prediction,
      proba_Adelie: one.json.predictions[1].probabilities.Adelie,
    });
    expect(typeof first?.scored_at).toBe('string');
    expect(logged.find((r) => r.request_id === 'req-two')).toMatchObject({ row_index: 0, prediction: two.json.outputs[0].data[0] });

    // Labels arrive later: request id (+ row) → species.
    const dir = mkdtempSync(join(tmpdir(), 'serve-labels-'));
    const file = join(dir, 'labels.csv');
    writeFileSync(file, 'request_id,row_index,species\nreq-one,0,Adelie\nreq-one,1,Chinstrap\nunknown-req,0,Gentoo\n');
    const io = captureIo({ ...process.env, ...inject('stack').env, TIDEFLOW_PREFIX: `${prefix}/` });
    const code = await runCli(['predictions', 'label', name, file, '--label-column', 'species'], io);
    expect([code, io.err()]).toEqual([0, '']);
    expect(io.out()).toMatch(/2 of 3 labels matched logged predictions/);
    const labels = await readLog(name, (k) => k.endsWith('.labels.arrow'));
    expect(labels.keys).toHaveLength(1);
    expect(labels.keys[0]).toMatch(/\/_\d{8}T\d{9}Z-[0-9a-f-]{36}\.labels\.arrow$/);
    expect(frameToRows(labels.frames[0] as Frame)).toEqual([
      { request_id: 'req-one', row_index: 0, species: 'Adelie' },
      { request_id: 'req-one', row_index: 1, species: 'Chinstrap' },
    ]);

    // A log file is a current window for drift_monitor as it is: the model's input columns under their
    // training names (meta and output columns are not in the reference, so they are not compared).
    const drift = await computeDriftReport(() => store)(
      {
        model: name,
        currentSource: `s3://${store.bucket}/${keys[0]}`,
        referenceSource: 'npm:vega-datasets/data/penguins.json',
        useChampion: false,
        exclude: [],
        normalizeColumns: true,
        missingValues: [],
        driftShare: 0.5,
      },
      testContext(),
    );
    expect(drift.columns.map((c) => c.column).sort()).toEqual(PENGUIN_FEATURE_COLUMNS);
  });
});

describe('a server process', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  // One process (node --import tsx, not the tsx CLI, which runs the script in a child): SIGKILL must hit the server itself.
  async function launch(port: number): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'serve', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...inject('stack').env,
        TIDEFLOW_PREFIX: `${prefix}/`,
        TIDEFLOW_SERVE_PORT: String(port),
        TIDEFLOW_SERVE_TOKEN: TOKEN,
        TIDEFLOW_SERVE_LOG_MAX_DELAY_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d) => {
        out += d.toString();
        if (out.includes('listening on')) resolve();
      });
      proc.stderr?.on('data', (d) => (out += d.toString()));
      proc.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
    });
    return proc;
  }

  const send = (url: string, id: string) =>
    post(`${url}/models/${name}/invocations`, { dataframe_records: [rows[0]] }, { ...auth, 'x-request-id': id });
  const crashIds = async () => requestIds((await readLog(name)).frames).filter((id) => /^(kept|lost|flushed)-/.test(id));

  it('kill -9 loses only the unflushed batch; SIGTERM flushes it', async () => {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    child = await launch(port);
    for (let i = 0; i < 5; i++) expect((await send(url, `kept-${i}`)).status).toBe(200);
    // After the flush interval (2 s) the batch is in S3 …
    await until('the first batch', async () => ((await crashIds()).length === 5 ? true : undefined));
    // … then 3 more rows, and a crash before their flush is due.
    for (let i = 0; i < 3; i++) expect((await send(url, `lost-${i}`)).status).toBe(200);
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    await new Promise((r) => setTimeout(r, 2500));
    expect(await crashIds()).toEqual(['kept-0', 'kept-1', 'kept-2', 'kept-3', 'kept-4']);

    // A clean stop (SIGTERM) writes what was buffered before exiting.
    child = await launch(port);
    for (let i = 0; i < 2; i++) expect((await send(url, `flushed-${i}`)).status).toBe(200);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child?.once('exit', r));
    expect(code).toBe(0);
    expect((await crashIds()).filter((id) => id.startsWith('flushed-'))).toEqual(['flushed-0', 'flushed-1']);
  }, 60_000);
});
