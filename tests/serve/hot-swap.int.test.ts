/**
 * Hot swap: while 8 clients keep scoring against `<model>@champion`, the alias moves from v1 to
 * v2. The server must switch within 5 s with no failed request, and every answer must come
 * entirely from the version it reports (its predictions are checked against that version's own
 * scores), and once v2 has answered, no later request gets v1.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { frameToRows, takeRows, type Frame } from '../../ml/frame/frame';
import { scoreFrame, type LoadedModel, type Scores } from '../../ml/predict';
import { promoteVersion } from '../../registry';
import type { PredictionServer } from '../../serve/server';
import { testStore } from '../ml/activity-env';
import { loaded, penguinFrame, post, register, startServer, trainModel, type Json } from './helpers';

const store = testStore(`serve-swap-${Date.now()}`);
const name = `penguins-${Math.random().toString(36).slice(2, 8)}`;
let server: PredictionServer;
let url: string;
const models: Record<number, LoadedModel> = {};
const frame: Frame = penguinFrame();

beforeAll(async () => {
  const a1 = await trainModel(name, 'logistic_regression', { C: 0.1 });
  const a2 = await trainModel(name, 'gbt', { maxIter: 20 });
  models[1] = loaded(a1);
  models[2] = loaded(a2);
  await register(store, a1, 'run-1', 'champion');
  await register(store, a2, 'run-2');
  ({ server, url } = await startServer(store, { pollMs: 1000 }));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

interface Answer {
  sentAt: number;
  doneAt: number;
  status: number;
  version?: number;
  consistent: boolean;
}

it('switches versions within 5 s under concurrent load: 0 errors, 0 mixed answers', async () => {
  const expected: Record<number, Scores> = {
    1: scoreFrame(models[1] as LoadedModel, frame),
    2: scoreFrame(models[2] as LoadedModel, frame),
  };
  const answers: Answer[] = [];
  let promotedAt = 0;
  let stopAt = Infinity;
  const client = async (seed: number): Promise<void> => {
    for (let n = 0; Date.now() < stopAt; n++) {
      const idx = [(seed * 31 + n * 7) % frame.rows, (seed * 17 + n * 13) % frame.rows];
      const sentAt = Date.now();
      const res = await post(`${url}/models/${name}/invocations`, { dataframe_records: frameToRows(takeRows(frame, idx)) });
      const json: Json = res.json;
      const version = json?.version as number | undefined;
      const exp = version === undefined ? undefined : expected[version];
      const consistent =
        exp !== undefined &&
        json.predictions.every(
          (p: Json, i: number) =>
            p.prediction === exp.labels?.[idx[i] as number] &&
            p.probabilities.Adelie === exp.proba?.[(idx[i] as number) * 3] &&
            p.probabilities.Gentoo === exp.proba?.[(idx[i] as number) * 3 + 2],
        );
      answers.push({ sentAt, doneAt: Date.now(), status: res.status, version, consistent });
    }
  };
  const clients = Promise.all(Array.from({ length: 8 }, (_, i) => client(i)));
  await new Promise((r) => setTimeout(r, 1500));
  promotedAt = Date.now();
  await promoteVersion(store, { name, alias: 'champion', version: 2, actor: 'test', reason: 'hot swap' });
  // Keep the load on until v2 has answered for 2 s (or 10 s at most).
  const deadline = promotedAt + 10_000;
  while (Date.now() < deadline) {
    const first = answers.find((a) => a.version === 2);
    if (first && Date.now() - first.doneAt > 2000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stopAt = Date.now();
  await clients;

  const failed = answers.filter((a) => a.status !== 200);
  const mixed = answers.filter((a) => !a.consistent);
  const firstV2 = answers.filter((a) => a.version === 2).sort((x, y) => x.doneAt - y.doneAt)[0];
  expect(answers.length).toBeGreaterThan(100);
  expect(failed).toEqual([]);
  expect(mixed).toEqual([]);
  expect(answers.some((a) => a.version === 1 && a.sentAt < promotedAt)).toBe(true);
  expect(firstV2).toBeDefined();
  const switchMs = (firstV2 as Answer).doneAt - promotedAt;
  expect(switchMs).toBeLessThanOrEqual(5000);
  // Once v2 answered, every request sent afterwards is answered by v2.
  expect(answers.filter((a) => a.sentAt > (firstV2 as Answer).doneAt && a.version !== 2)).toEqual([]);
  console.log(`hot swap: ${answers.length} requests, switch after ${switchMs} ms, 0 errors, 0 mixed`);
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer serve-test-token-0123456789' } })).text();
  expect(metrics).toMatch(new RegExp(`tideflow_serve_alias_swaps_total\\{model="${name}",alias="champion"\\} 1`));
});
