/** Rollout tests' fixtures: models registered under a fresh name, and client traffic that records who answered. */
import { rolloutState } from '../../client/rollouts';
import { frameToRows, takeRows, type Frame } from '../../ml/frame/frame';
import type { ModelArtifact } from '../../ml/predict';
import type { RolloutState } from '../../mlops/rollout-state';
import type { ArtifactStore } from '../../registry';
import { waitFor } from '../backfill/helpers';
import { penguinFrame, post, register, type Json } from './helpers';

export interface Answer {
  sentAt: number;
  doneAt: number;
  status: number;
  version?: number;
  key?: string;
  requestId: string;
  rows: number[];
  predictions?: string[];
  message?: string;
}

const frame: Frame = penguinFrame();

/** Register `artifacts` (in order: v1, v2, …) under a new model name; v1 becomes the champion. */
export async function registerModel(store: ArtifactStore, base: string, artifacts: ModelArtifact[]): Promise<string> {
  const name = `${base}-${Math.random().toString(36).slice(2, 7)}`;
  for (const [i, a] of artifacts.entries())
    await register(store, { ...a, modelName: name }, `${name}-run-${i + 1}`, i === 0 ? 'champion' : undefined);
  return name;
}

/** Wait until the rollout of `name` has recorded `status` in the registry (signals take effect asynchronously). */
export async function waitForRolloutStatus(
  store: ArtifactStore,
  name: string,
  status: RolloutState['status'],
  timeoutMs = 10_000,
): Promise<void> {
  await waitFor(
    `rollout of ${name} ${status}`,
    async () => ((await rolloutState(store, name))?.status === status ? true : undefined),
    timeoutMs,
  );
}

/** A version that cannot answer the clients: its input schema needs a column they never send. */
export function faulty(a: ModelArtifact): ModelArtifact {
  return { ...a, pipeline: { ...a.pipeline, inputs: [...a.pipeline.inputs, { name: 'tag_id', type: 'number' }] } };
}

export interface Traffic {
  answers: Answer[];
  stop(): Promise<Answer[]>;
}

/** `clients` loops of single/double-row requests to `<url>/models/<name>/invocations` until stopped; `key(n)` sets a route key. */
export function drive(url: string, name: string, clients = 2, key?: (client: number, n: number) => string): Traffic {
  const answers: Answer[] = [];
  let stopped = false;
  const loop = async (c: number): Promise<void> => {
    for (let n = 0; !stopped; n++) {
      const rows = [(c * 31 + n * 7) % frame.rows, (c * 17 + n * 13) % frame.rows];
      const k = key?.(c, n);
      const requestId = `rq-${c}-${n}-${Math.random().toString(36).slice(2, 8)}`;
      const sentAt = Date.now();
      const res = await post(
        `${url}/models/${name}/invocations`,
        { dataframe_records: frameToRows(takeRows(frame, rows)) },
        { 'x-request-id': requestId, ...(k !== undefined && { 'x-tideflow-route-key': k }) },
      );
      const json: Json = res.json;
      answers.push({
        sentAt,
        doneAt: Date.now(),
        status: res.status,
        requestId,
        rows,
        ...(typeof json?.version === 'number' && { version: json.version }),
        ...(k !== undefined && { key: k }),
        ...(Array.isArray(json?.predictions) && { predictions: json.predictions.map((p: Json) => p.prediction as string) }),
        ...(typeof json?.message === 'string' && { message: json.message }),
      });
    }
  };
  const running = Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  return {
    answers,
    async stop() {
      stopped = true;
      await running;
      return answers;
    },
  };
}

export { frame as trafficFrame };
