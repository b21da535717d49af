/**
 * Two prediction server processes behind one rollout (issue 12.4): each is `node serve/main.ts` in
 * its own process, sharing nothing but the registry in MinIO. Clients spread requests over both
 * with sticky route keys; while a step holds, a key is answered by the same version whichever server
 * it reaches, and the rollout's guards sum both servers' counters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rolloutResult, startRollout } from '../../client/rollouts';
import { frameToRows, takeRows } from '../../ml/frame/frame';
import { findFreePort } from '../../infra/ports';
import { readRollout } from '../../registry/rollout-store';
import { getAlias } from '../../registry';
import { createHarness, type Harness } from '../integration/harness';
import { penguinFrame, post, TOKEN, trainModel } from './helpers';
import { registerModel } from './rollout-helpers';

let h: Harness;
let stopWorker: () => Promise<void>;
const children: ChildProcess[] = [];
const urls: string[] = [];

async function spawnServer(): Promise<string> {
  const port = await findFreePort();
  const s3 = h.config.s3;
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../serve/main.ts')], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: s3.credentials?.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials?.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: s3.region,
      TIDEFLOW_BUCKET: s3.bucket,
      TIDEFLOW_PREFIX: s3.prefix,
      TIDEFLOW_SERVE_PORT: String(port),
      TIDEFLOW_SERVE_TOKEN: TOKEN,
      TIDEFLOW_SERVE_POLL_MS: '200',
      TIDEFLOW_SERVE_LOG_MAX_DELAY_MS: '300',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${url}/v2/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on port ${port} not ready in 60 s`);
}

beforeAll(async () => {
  h = await createHarness('rollout-multi');
  stopWorker = (await h.startWorker()).stop;
  urls.push(...(await Promise.all([spawnServer(), spawnServer()])));
}, 180_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await stopWorker?.();
  await h?.close();
});

interface Answer {
  sentAt: number;
  server: number;
  key: string;
  status: number;
  version?: number;
}

it('two server processes split one canary alike by route key, and the guards count both', async () => {
  const a1 = await trainModel('base', 'logistic_regression', { C: 0.1 });
  const a2 = await trainModel('base', 'logistic_regression', { C: 1 });
  const name = await registerModel(h.store, 'multi', [a1, a2]);
  const frame = penguinFrame();
  const answers: Answer[] = [];
  let stopped = false;
  const client = async (c: number): Promise<void> => {
    for (let n = 0; !stopped; n++) {
      const server = (c + n) % 2;
      // Rows drawn independently of the key: the candidate's keys see the same input mix as stable's
      // (else the prediction-drift guard would rightly see two populations).
      const key = `user-${(c * 7 + n) % 40}`;
      const sentAt = Date.now();
      const res = await post(
        `${urls[server]}/models/${name}/invocations`,
        { dataframe_records: frameToRows(takeRows(frame, [Math.floor(Math.random() * frame.rows)])) },
        { 'x-tideflow-route-key': key },
      );
      answers.push({
        sentAt,
        server,
        key,
        status: res.status,
        ...(typeof res.json?.version === 'number' && { version: res.json.version }),
      });
    }
  };
  const clients = Promise.all([0, 1, 2].map(client));
  await startRollout(
    h.client,
    { model: name, candidate: 2, strategy: 'canary', steps: [50, 100], stepSeconds: 4, checkSeconds: 0.5, guards: { minRequests: 10 } },
    h.taskQueue,
  );
  const outcome = await rolloutResult(h.client, name);
  await new Promise((r) => setTimeout(r, 1000));
  stopped = true;
  await clients;

  expect(outcome.status, outcome.reason).toBe('promoted');
  expect(outcome.lastCheck?.servers).toBe(2);
  expect((await getAlias(h.store, name, 'champion'))?.version).toBe(2);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  const history = (await readRollout(h.store, name))?.state.history ?? [];
  const t0 = Date.parse(history[0]?.at ?? '');
  const t1 = Date.parse(history[1]?.at ?? '');
  // Step 0 (50 %) once both servers applied it (poll 200 ms), until step 1 was written.
  const step0 = answers.filter((a) => a.sentAt > t0 + 1000 && a.sentAt < t1);
  const byKey = new Map<string, Set<number>>();
  for (const a of step0) byKey.set(a.key, (byKey.get(a.key) ?? new Set()).add(a.version ?? 0));
  const servedBy = (s: number) => new Set(step0.filter((a) => a.server === s).map((a) => a.version));
  expect(step0.length).toBeGreaterThan(40);
  expect(servedBy(0)).toEqual(new Set([1, 2]));
  expect(servedBy(1)).toEqual(new Set([1, 2]));
  expect([...byKey.entries()].filter(([, versions]) => versions.size !== 1)).toEqual([]);
  const candidateKeys = [...byKey.values()].filter((v) => v.has(2)).length;
  console.log(
    `two servers: ${step0.length} requests at 50 % over ${byKey.size} keys, ${candidateKeys} keys on the candidate on both servers; last check summed ${outcome.lastCheck?.servers} servers`,
  );
}, 120_000);
