/**
 * The prediction server over real HTTP (node's fetch → fastify on 127.0.0.1): every protocol
 * shape answers with the registry's model, identical to batch_predict's scores; health, metadata,
 * model routes by alias and version, and Prometheus metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictBatch } from '../../activities/ml/predict-batch';
import { readDataset, writeDataset } from '../../activities/ml/dataset';
import { cellAt, frameToRows, getColumn, takeRows, type Row } from '../../ml/frame/frame';
import { scoreFrame, type LoadedModel } from '../../ml/predict';
import type { PredictionServer } from '../../serve/server';
import { testContext, testStore } from '../ml/activity-env';
import { auth, CLASSES, loaded, penguinFrame, post, register, startServer, trainModel, type Json } from './helpers';

const store = testStore(`serve-protocols-${Date.now()}`);
const name = `penguins-${Math.random().toString(36).slice(2, 8)}`;
let server: PredictionServer;
let url: string;
let v1: LoadedModel;
let v2: LoadedModel;
const frame = penguinFrame();
const sample = takeRows(frame, [0, 3, 150, 200, 300]); // row 3 has missing values: the pipeline imputes them
const rows: Row[] = frameToRows(sample);

beforeAll(async () => {
  const a1 = await trainModel(name, 'logistic_regression', { C: 1 });
  const a2 = await trainModel(name, 'gbt', { maxIter: 20, learningRate: 0.1 });
  v1 = loaded(a1);
  v2 = loaded(a2);
  await register(store, a1, 'run-1', 'champion');
  await register(store, a2, 'run-2', 'challenger');
  ({ server, url } = await startServer(store));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

function expectPredictions(json: Json, model: LoadedModel, version: number): void {
  const expected = scoreFrame(model, sample);
  expect(json.version).toBe(version);
  expect(json.predictions).toHaveLength(rows.length);
  json.predictions.forEach((p: Json, i: number) => {
    expect(p.prediction).toBe(expected.labels?.[i]);
    CLASSES.forEach((c, k) => expect(p.probabilities[c]).toBe(expected.proba?.[i * CLASSES.length + k]));
  });
}

describe('MLflow scoring protocol', () => {
  const columns = Object.keys(rows[0] as Row);
  const shapes: [string, unknown][] = [
    ['dataframe_split', { dataframe_split: { columns, data: rows.map((r) => columns.map((c) => r[c])) } }],
    ['dataframe_records', { dataframe_records: rows }],
    ['instances (records)', { instances: rows }],
    ['inputs (columns)', { inputs: Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c])])) }],
  ];
  it.each(shapes)('%s on /invocations with the model in a header → champion v1', async (_shape, body) => {
    const res = await post(`${url}/invocations`, body, { 'x-tideflow-model': name });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ model: name, alias: 'champion', request_id: expect.any(String) });
    expect(res.headers.get('x-tideflow-model-version')).toBe('1');
    expectPredictions(res.json, v1, 1);
  });

  it('instances as bare rows in the model input order, and per-model routes by alias and by version', async () => {
    const order = v2.pipeline.inputs.map((c) => c.name);
    const bare = { instances: rows.map((r) => order.map((c) => r[c])) };
    expectPredictions((await post(`${url}/models/${name}@challenger/invocations`, bare)).json, v2, 2);
    expectPredictions((await post(`${url}/models/${name}/versions/1/invocations`, { dataframe_records: rows })).json, v1, 1);
    expectPredictions((await post(`${url}/invocations?model=${name}&version=2`, { dataframe_records: rows })).json, v2, 2);
    const info = await (await fetch(`${url}/models/${name}`, { headers: auth })).json();
    expect(info).toMatchObject({ name, version: 1, alias: 'champion', task: 'multiclass', classes: CLASSES });
  });

  it('answers exactly what batch_predict writes for the same rows (to 1e-12)', async () => {
    const key = `${store.prefix}serve-batch/input.arrow`;
    const dataset = await writeDataset(store, key, frame);
    const out = await predictBatch(() => store)({ modelName: name, alias: 'champion', dataset, passthrough: [] }, testContext());
    const batch = await readDataset(store, out.predictions);
    const res = await post(`${url}/models/${name}/invocations`, { dataframe_records: frameToRows(frame) });
    expect(res.status).toBe(200);
    expect(out.version).toBe(res.json.version);
    const labels = getColumn(batch, 'prediction');
    let worst = 0;
    res.json.predictions.forEach((p: Json, i: number) => {
      expect(p.prediction).toBe(cellAt(labels, i));
      for (const c of CLASSES)
        worst = Math.max(worst, Math.abs(p.probabilities[c] - (cellAt(getColumn(batch, `proba_${c}`), i) as number)));
    });
    expect(res.json.predictions).toHaveLength(frame.rows);
    expect(worst).toBeLessThanOrEqual(1e-12);
  });
});

describe('KServe V2 protocol', () => {
  const tensors = () =>
    v1.pipeline.inputs.map((c) => ({
      name: c.name,
      datatype: c.type === 'number' ? 'FP64' : 'BYTES',
      shape: [rows.length],
      data: rows.map((r) => r[c.name] ?? null),
    }));

  it('health, server and model metadata', async () => {
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    expect(await (await fetch(`${url}/v2/health/ready`)).json()).toEqual({ ready: true });
    const meta = (await (await fetch(`${url}/v2/models/${name}`, { headers: auth })).json()) as Json;
    expect(meta).toMatchObject({ name, versions: ['1'], platform: 'tideflow' });
    expect(meta.inputs).toContainEqual({ name: 'island', datatype: 'BYTES', shape: [-1] });
    expect(meta.outputs).toContainEqual({ name: 'probabilities', datatype: 'FP64', shape: [-1, 3] });
    const pinned = (await (await fetch(`${url}/v2/models/${name}/versions/2`, { headers: auth })).json()) as Json;
    expect(pinned.versions).toEqual(['2']);
    expect((await fetch(`${url}/v2/models/${name}/versions/2/ready`, { headers: auth })).status).toBe(200);
  });

  it('infer: label and probability tensors, by alias and by version', async () => {
    for (const [path, model, version] of [
      [`/v2/models/${name}/infer`, v1, '1'],
      [`/v2/models/${name}@challenger/infer`, v2, '2'],
      [`/v2/models/${name}/versions/2/infer`, v2, '2'],
    ] as const) {
      const res = await post(`${url}${path}`, { id: 'req-7', inputs: tensors() });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ model_name: name, model_version: version, id: 'req-7' });
      const expected = scoreFrame(model, sample);
      const [label, proba] = res.json.outputs;
      expect(label).toEqual({ name: 'label', datatype: 'BYTES', shape: [rows.length], data: expected.labels });
      expect(proba).toMatchObject({ name: 'probabilities', datatype: 'FP64', shape: [rows.length, 3], parameters: { classes: CLASSES } });
      expect(proba.data).toEqual(Array.from(expected.proba ?? []));
    }
    const one = await post(`${url}/v2/models/${name}/infer`, { inputs: tensors(), outputs: [{ name: 'label' }] });
    expect(one.json.outputs.map((o: Json) => o.name)).toEqual(['label']);
  });
});

describe('metrics', () => {
  it('exposes requests, errors and latency per model and version', async () => {
    await post(`${url}/models/${name}/invocations`, { dataframe_records: [{ island: 'Dream' }] }); // a 400
    const text = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    expect(text).toMatch(new RegExp(`tideflow_serve_requests_total\\{model="${name}",version="1",protocol="mlflow",status="200"\\} \\d+`));
    expect(text).toMatch(new RegExp(`tideflow_serve_requests_total\\{model="${name}",version="2",protocol="v2",status="200"\\} \\d+`));
    expect(text).toMatch(new RegExp(`tideflow_serve_errors_total\\{model="${name}",version="1",protocol="mlflow",status="400"\\} 1`));
    expect(text).toMatch(
      new RegExp(`tideflow_serve_request_duration_seconds_bucket\\{le="0.005",model="${name}",version="1",protocol="mlflow"\\} \\d+`),
    );
    expect(text).toMatch(new RegExp(`tideflow_serve_alias_version\\{model="${name}",alias="champion"\\} 1`));
  });
});
