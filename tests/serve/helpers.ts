/**
 * The serving tests' fixtures: the penguins data from vega-datasets, a model trained on it
 * directly through the ML library and registered through the registry API (as ml_retrain's
 * train_best and register steps do), and a prediction server on 127.0.0.1 (a free port).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { EstimatorKind, Hyperparams } from '../../ml/estimators';
import { PENGUINS_FEATURES } from '../../dags/ml_retrain';
import { frameFromRows, type Frame, type Row } from '../../ml/frame/frame';
import type { LoadedModel, ModelArtifact } from '../../ml/predict';
import { resolvePackageFile } from '../../activities/ml/source';
import { putArtifact } from '../../activities/ml/store';
import { promoteVersion, registerModelVersion, type ArtifactStore } from '../../registry';
import type { ServeSettings } from '../../serve/config';
import { createPredictionServer, type PredictionServer } from '../../serve/server';
import { fitModelArtifact, loadedModel } from '../../bench/fit-model';

export const TOKEN = 'serve-test-token-0123456789';
export const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];

const snake = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Penguin rows with ml_retrain's column names (null for missing values). */
export function penguinRows(): Row[] {
  const raw = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/penguins.json'), 'utf8')) as Row[];
  return raw.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [snake(k), v === '.' ? null : v])));
}

export const penguinFrame = (): Frame => frameFromRows(penguinRows());

/** ml_retrain's default features: what the served models are trained with. */
export const FEATURES = PENGUINS_FEATURES;

export function trainModel(name: string, kind: EstimatorKind, hyperparams: Hyperparams, frame = penguinFrame()): Promise<ModelArtifact> {
  return fitModelArtifact(frame, {
    modelName: name,
    kind,
    task: 'multiclass',
    target: 'species',
    classes: CLASSES,
    features: FEATURES,
    hyperparams,
    seed: 7,
    provenance: { dataset: 'test', split: 'test', dagId: 'test', workflowId: 'test' },
  });
}

/** Store the artifact, register it as the next version; with `alias`, promote it there. */
export async function register(store: ArtifactStore, artifact: ModelArtifact, run: string, alias?: string): Promise<number> {
  const name = artifact.modelName;
  const ref = await putArtifact(store, `${store.prefix}test-models/${name}/${run}.json`, artifact);
  const v = await registerModelVersion(store, {
    name,
    model: ref,
    metrics: { accuracy: 0.9 },
    source: { dagId: 'test', workflowId: run, runId: `r-${run}`, taskId: 'register' },
    idempotencyKey: `${run}/register`,
  });
  if (alias) await promoteVersion(store, { name, alias, version: v.version, actor: 'test', reason: `serve ${run}` });
  return v.version;
}

export const loaded = (a: ModelArtifact): LoadedModel => loadedModel(a, 'test');

export function testSettings(overrides: Partial<ServeSettings> = {}): ServeSettings {
  return {
    port: 0,
    host: '127.0.0.1',
    token: TOKEN,
    defaultAlias: 'champion',
    maxBodyBytes: 256 * 1024,
    maxRows: 500,
    pollMs: 200,
    requestTimeoutMs: 5000,
    headersTimeoutMs: 2000,
    keepAliveTimeoutMs: 5000,
    log: { enabled: true, maxRows: 1000, maxDelayMs: 300, maxBufferedRows: 10_000 },
    preload: [],
    ...overrides,
  };
}

export async function startServer(
  store: ArtifactStore,
  overrides: Partial<ServeSettings> = {},
): Promise<{ server: PredictionServer; url: string }> {
  const server = createPredictionServer({ settings: testSettings(overrides), store, log: () => undefined });
  return { server, url: await server.listen() };
}

/**
 * The test file's prediction server on the harness's store (`h` may be the harness's stand-in,
 * read only once the hooks run): `beforeAll` starts it, after the harness's own `beforeAll` when
 * that was registered first, and `afterAll` closes it, before the harness shuts down.
 */
export function useServer(h: { store: ArtifactStore }, overrides: Partial<ServeSettings> = {}): { server: PredictionServer; url: string } {
  const live = {} as { server: PredictionServer; url: string };
  beforeAll(async () => {
    Object.assign(live, await startServer(h.store, overrides));
  }, 60_000);
  afterAll(async () => {
    await live.server?.close();
  });
  return live;
}

/** Response bodies are checked field by field with expect(); a loose type keeps the tests readable. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const auth = { authorization: `Bearer ${TOKEN}` };

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}
