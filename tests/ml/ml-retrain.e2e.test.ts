/**
 * ml_retrain end to end on the real servers of the global setup (Temporal dev server + MinIO),
 * with a real worker in this process: both gate branches, a data failure, and the artifacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import { readModel, readRows, readSplit } from '../../activities/ml/artifacts';
import { getArtifact, type ArtifactStore } from '../../activities/ml/store';
import type { ArtifactRef } from '../../activities/ml/types';
import mlRetrain from '../../dags/ml_retrain';
import { startHarnessWithWorker, runToEnd, taskOf, type Harness } from '../integration/harness';

let h: Harness;
let store: ArtifactStore;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ h, stop } = await startHarnessWithWorker('ml'));
  store = h.store;
}, 180_000);
afterAll(async () => {
  await stop?.();
});

const run = (params: Record<string, unknown> = {}) => runToEnd(h, mlRetrain as DagDefinition, params);
const task = taskOf;
const states = (view: RunView) => Object.fromEntries(view.tasks.map((t) => [t.id, t.state]));
const output = <T>(view: RunView, id: string): T => task(view, id).output as T;

describe('ml_retrain on a real worker', () => {
  it('trains, evaluates and registers a penguin classifier with the default params', async () => {
    const { view, workflowId } = await run();
    expect(view.status).toBe('success');
    expect(states(view)).toEqual({
      ingest: 'success', validate: 'success', split: 'success', features: 'success', candidates: 'success', tune: 'success',
      train_best: 'success', evaluate: 'success', gate: 'success', register: 'success', rejected: 'skipped', report: 'success',
    });
    expect(task(view, 'tune').mapped).toMatchObject({ total: 6, succeeded: 6, failed: 0 });

    const metrics = output<{ accuracy: number; macroF1: number; logLoss: number; n: number }>(view, 'evaluate');
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(metrics.macroF1).toBeGreaterThan(0.9);
    expect(metrics.n).toBe(67);

    const ingest = output<ArtifactRef & { rows: number }>(view, 'ingest');
    expect(ingest.rows).toBe(344);
    expect(ingest.uri).toBe(`s3://${store.bucket}/${store.prefix}runs/ml_retrain/${workflowId}/datasets/raw.json`);

    const training = output<{ model: ArtifactRef }>(view, 'train_best');
    const model = await readModel(store, training.model);
    expect(model).toMatchObject({ format: 'tideflow.logreg', version: 1, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
    expect(model.weights).toHaveLength(3);
    expect(model.weights[0]).toHaveLength(model.featureNames.length);

    const registered = output<ArtifactRef>(view, 'register');
    expect(registered.uri).toBe(`s3://${store.bucket}/${store.prefix}models/penguins/candidates/${workflowId}.json`);
    const candidate = (await getArtifact(store, registered)) as { metrics: { accuracy: number }; lineage: { runId: string; rawDataset: ArtifactRef } };
    expect(candidate.metrics.accuracy).toBe(metrics.accuracy);
    expect(candidate.lineage.runId).toBe(view.runId);
    expect(candidate.lineage.rawDataset.uri).toBe(ingest.uri);

    const report = (await getArtifact(store, output<ArtifactRef>(view, 'report'))) as { gate: { outcome: string }; trials: { chosen: boolean }[] };
    expect(report.gate.outcome).toBe('registered');
    expect(report.trials).toHaveLength(6);
    expect(report.trials.filter((t) => t.chosen)).toHaveLength(1);
  }, 120_000);

  it('fits the feature pipeline on the train split only', async () => {
    const { view } = await run({ seed: 3 });
    const validated = output<{ dataset: ArtifactRef }>(view, 'validate');
    const split = output<{ split: ArtifactRef }>(view, 'split');
    const features = output<{ pipeline: ArtifactRef }>(view, 'features');
    const [rows, s, pipeline] = await Promise.all([readRows(store, validated.dataset), readSplit(store, split.split), getArtifact(store, features.pipeline)]);
    const mean = (idx: number[]) => idx.reduce((sum, i) => sum + (rows[i]?.['body_mass_g'] as number), 0) / idx.length;
    const fitted = (pipeline as { numeric: { name: string; mean: number }[] }).numeric.find((n) => n.name === 'body_mass_g');
    expect(fitted?.mean).toBeCloseTo(mean(s.train), 9);
    expect(fitted?.mean).not.toBeCloseTo(mean([...s.train, ...s.test]), 6);
  }, 120_000);

  it('rejects a weak model and says which threshold failed', async () => {
    const { view } = await run({ features: { numeric: ['body_mass_g'], categorical: [] }, modelName: 'penguins-weak' });
    expect(view.status).toBe('success');
    expect(states(view)).toMatchObject({ gate: 'success', register: 'skipped', rejected: 'success', report: 'success' });
    const accuracy = output<{ accuracy: number }>(view, 'evaluate').accuracy;
    expect(accuracy).toBeLessThan(0.9);
    const rejected = output<{ reason: string; failed: { metric: string; threshold: number }[] }>(view, 'rejected');
    expect(rejected.failed).toEqual([{ metric: 'accuracy', value: accuracy, threshold: 0.9, passed: false }]);
    expect(rejected.reason).toMatch(/^accuracy 0\.\d{4} < min 0\.9$/);
    expect(output<{ outcome: string }>(view, 'report').outcome).toBe('rejected');
  }, 120_000);

  it('fails validation without retrying when a required column is missing', async () => {
    const { view, error } = await run({ target: 'no_such_column' });
    expect(view.status).toBe('failed');
    expect(error).toMatch(/MissingColumn: required target column 'no_such_column'/);
    expect(task(view, 'validate')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(states(view)).toMatchObject({ split: 'upstream_failed', tune: 'upstream_failed', report: 'upstream_failed' });
  }, 120_000);
});
