/**
 * engine 'onnx' on the real stack: a prediction server with TIDEFLOW_SERVE_ENGINE=onnx and
 * batch_predict with engine 'onnx' (on MinIO, the dataset read back from Arrow) answer the penguins
 * like the native engine (labels equal, probabilities within 1e-5), and the server refuses bad input with the native message (400).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset, writeDataset } from '../../activities/ml/dataset';
import { predictBatch } from '../../activities/ml/predict-batch';
import { cellAt, frameToRows, getColumn } from '../../ml/frame/frame';
import { scoreFrame, type LoadedModel } from '../../ml/predict';
import type { PredictionServer } from '../../serve/server';
import { testContext, testStore } from '../ml/activity-env';
import { CLASSES, loaded, penguinFrame, post, register, startServer, trainModel, type Json } from '../serve/helpers';

const store = testStore(`onnx-engine-${Date.now()}`);
const name = `penguins-onnx-${Math.random().toString(36).slice(2, 8)}`;
let server: PredictionServer;
let url: string;
let model: LoadedModel;
const frame = penguinFrame();

beforeAll(async () => {
  const a = await trainModel(name, 'gbt', { maxIter: 20 });
  model = loaded(a);
  await register(store, a, 'run-1', 'champion');
  ({ server, url } = await startServer(store, { engine: 'onnx' }));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe("engine: 'onnx'", () => {
  it('the server answers as the native engine', async () => {
    const want = scoreFrame(model, frame);
    const res = await post(`${url}/models/${name}/invocations`, { dataframe_records: frameToRows(frame) });
    expect(res.status).toBe(200);
    let worst = 0;
    res.json.predictions.forEach((p: Json, i: number) => {
      expect(p.prediction).toBe(want.labels?.[i]);
      CLASSES.forEach((c, k) => (worst = Math.max(worst, Math.abs(p.probabilities[c] - (want.proba?.[i * 3 + k] as number)))));
    });
    expect(worst).toBeLessThan(1e-5);
  });

  it('batch_predict with engine onnx writes what the native engine writes', async () => {
    const want = scoreFrame(model, frame);
    const dataset = await writeDataset(store, `${store.prefix}onnx-batch/input.arrow`, frame);
    const run = (engine: 'native' | 'onnx') =>
      predictBatch(() => store)({ modelName: name, alias: 'champion', dataset, passthrough: [], engine }, testContext());
    const [onnx, native] = await Promise.all([run('onnx'), run('native')]);
    expect(onnx.summary).toEqual(native.summary);
    const batch = await readDataset(store, onnx.predictions);
    const labels = getColumn(batch, 'prediction');
    let worst = 0;
    for (let i = 0; i < frame.rows; i++) {
      expect(cellAt(labels, i)).toBe(want.labels?.[i]);
      CLASSES.forEach(
        (c, k) =>
          (worst = Math.max(worst, Math.abs((cellAt(getColumn(batch, `proba_${c}`), i) as number) - (want.proba?.[i * 3 + k] as number)))),
      );
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('refuses a bad value with a 400 naming the column', async () => {
    const rows = frameToRows(frame).slice(0, 2);
    const res = await post(`${url}/models/${name}/invocations`, { dataframe_records: rows.map((r) => ({ ...r, body_mass_g: 'heavy' })) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toMatch(/body_mass_g/);
  });
});
