/**
 * ml_retrain and batch_predict end to end on the real servers of the global setup (Temporal dev
 * server + MinIO), with a real worker in this process: blessing and promotion, the champion
 * comparison on a second run, rejection, a blocking data anomaly, regression with a time split,
 * the HTML report, and scoring a batch with the champion.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import { readDataset } from '../../activities/ml/dataset';
import type { EvaluateModelOutput } from '../../activities/ml/evaluate-model';
import { readModel } from '../../activities/ml/model-artifact';
import type { RegisterModelOutput } from '../../activities/ml/register-model';
import type { RejectModelOutput } from '../../activities/ml/reject-model';
import type { SplitDataOutput } from '../../activities/ml/split-data';
import { readSplitFrames } from '../../activities/ml/training-data';
import type { TrainModelOutput } from '../../activities/ml/train-model';
import type { WriteReportOutput } from '../../activities/ml/write-report';
import { getArtifact } from '../../activities/ml/store';
import { getVersionByAlias, listVersions } from '../../registry';
import batchPredict from '../../dags/batch_predict';
import mlRetrain from '../../dags/ml_retrain';
import { useHarnessWithWorker, runToEnd, statesOf, taskOf } from '../integration/harness';
import { BLESSED_RUN_STATES } from './retrain-states';

const h = useHarnessWithWorker('ml');

const unique = (name: string): string => `${name}-${Date.now().toString(36)}`;
const run = (params: Record<string, unknown> = {}) => runToEnd(h, mlRetrain as DagDefinition, params);
const output = <T>(view: RunView, id: string): T => taskOf(view, id).output as T;

async function readText(uri: string): Promise<{ text: string; contentType?: string }> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  const res = await h.store.s3.send(new GetObjectCommand({ Bucket: m?.[1], Key: m?.[2] }));
  return { text: (await res.Body?.transformToString()) ?? '', ...(res.ContentType !== undefined && { contentType: res.ContentType }) };
}

describe('ml_retrain on a real worker', () => {
  const modelName = unique('penguins-e2e');

  it('first run: trains, blesses, registers v1 and promotes it to champion; the report says so', async () => {
    const { view, workflowId } = await run({ modelName });
    expect(view.status).toBe('success');
    expect(statesOf(view)).toEqual(BLESSED_RUN_STATES);
    expect(taskOf(view, 'tune').mapped).toMatchObject({ total: 4, succeeded: 4, failed: 0 });

    const ingest = output<{ uri: string; rows: number; format: string }>(view, 'ingest');
    expect(ingest).toMatchObject({
      rows: 344,
      format: 'arrow',
      uri: `s3://${h.store.bucket}/${h.store.prefix}runs/ml_retrain/${workflowId}/datasets/ingested.arrow`,
    });
    const split = output<SplitDataOutput>(view, 'split');
    expect(split).toMatchObject({ task: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'], strategy: 'stratified' });
    const evaluation = output<EvaluateModelOutput>(view, 'evaluate');
    expect(evaluation.champion).toBeNull();
    expect(evaluation.metrics.n).toBe(split.testRows);
    expect(evaluation.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.metrics.macro_f1).toBeGreaterThan(0.9);
    expect(evaluation.confusion?.flat().reduce((a, b) => a + b, 0)).toBe(split.testRows);

    const training = output<TrainModelOutput>(view, 'train_best');
    const model = await readModel(h.store, training.model);
    expect(model.artifact).toMatchObject({
      format: 'tideflow.model',
      version: 1,
      task: 'multiclass',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    });
    expect(model.artifact.trial.index).toBe(training.best.index);
    // The pipeline was fitted on the train split only: its median imputation is the train rows' median.
    const { train } = await readSplitFrames(h.store, ingest as never, split.split);
    expect(model.pipeline.fittedRows).toBe(train.rows);

    const registered = output<RegisterModelOutput>(view, 'register');
    expect(registered).toEqual({ modelName, version: 1, promoted: { alias: 'champion', previousVersion: null } });
    const champion = await getVersionByAlias(h.store, modelName, 'champion');
    expect(champion).toMatchObject({
      version: 1,
      metrics: { accuracy: evaluation.metrics.accuracy },
      source: { workflowId, taskId: 'register' },
    });
    expect(champion.tags['gate']).toMatch(/^blessed: 1 check\(s\) passed \(no champion yet: change thresholds ignored\)$/);
    expect(champion.profile).toBeDefined();

    const report = output<WriteReportOutput>(view, 'report');
    expect(report).toMatchObject({ blessed: true, contentType: 'text/html; charset=utf-8' });
    const html = await readText(report.uri);
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.text).toMatch(/^<!DOCTYPE html>/i);
    expect(html.text).toContain('BLESSED');
    expect(html.text).toContain('beak_length_mm');
    expect(html.text).not.toMatch(/<script\b|src="https?:/);
  }, 180_000);

  it('second run: scores the champion on the same test rows, passes the change threshold, becomes v2', async () => {
    const { view } = await run({ modelName });
    expect(view.status).toBe('success');
    const evaluation = output<EvaluateModelOutput>(view, 'evaluate');
    expect(evaluation.champion).toMatchObject({ version: 1, source: 'rescored' });
    // Same data and seed: the champion scores what the candidate scores.
    expect(evaluation.champion?.metrics.accuracy).toBe(evaluation.metrics.accuracy);
    expect(output<RegisterModelOutput>(view, 'register')).toEqual({
      modelName,
      version: 2,
      promoted: { alias: 'champion', previousVersion: 1 },
    });
    expect((await getVersionByAlias(h.store, modelName, 'champion')).version).toBe(2);
  }, 180_000);

  it('rejects a candidate that falls short of the champion, naming the threshold; nothing registered', async () => {
    const before = await listVersions(h.store, modelName);
    const { view } = await run({
      modelName,
      thresholds: [
        { metric: 'accuracy', lower: 0.5 },
        // The older spelling of maxDrop: -0.05 (must beat the champion by 0.05), as params of existing schedules have it.
        { metric: 'accuracy', absoluteChange: 0.05 },
      ],
    });
    expect(view.status).toBe('success');
    expect(statesOf(view)).toMatchObject({ gate: 'success', register: 'skipped', rejected: 'success', report: 'success' });
    const rejected = output<RejectModelOutput>(view, 'rejected');
    expect(rejected.failed).toHaveLength(1);
    expect(rejected.failed[0]).toMatchObject({ metric: 'accuracy', kind: 'change', passed: false, baseline: expect.any(Number) });
    expect(rejected.reason).toMatch(/^not blessed: accuracy [\d.]+ vs champion v2 [\d.]+: drop 0 fails ≤ -0\.05$/);
    expect(await listVersions(h.store, modelName)).toHaveLength(before.length);
    expect((await getVersionByAlias(h.store, modelName, 'champion')).version).toBe(2);
    const report = output<WriteReportOutput>(view, 'report');
    expect(report.blessed).toBe(false);
    expect((await readText(report.uri)).text).toContain('NOT BLESSED');
  }, 180_000);

  it('scores a batch with the champion: predictions with class probabilities, by the version that made them', async () => {
    const { view } = await runToEnd(h, batchPredict as DagDefinition, { modelName, passthrough: ['species', 'island'] });
    expect(view.status).toBe('success');
    const predict = output<{ predictions: never; version: number; rows: number; task: string; summary: Record<string, number> }>(
      view,
      'predict',
    );
    expect(predict).toMatchObject({ version: 2, rows: 344, task: 'multiclass' });
    const frame = await readDataset(h.store, predict.predictions);
    expect(frame.columns.map((c) => c.name)).toEqual([
      'species',
      'island',
      'prediction',
      'proba_Adelie',
      'proba_Chinstrap',
      'proba_Gentoo',
    ]);
    const [species, , prediction, ...proba] = frame.columns;
    let correct = 0;
    for (let i = 0; i < frame.rows; i++) {
      if (species?.values[i] === prediction?.values[i]) correct++;
      const sum = proba.reduce((s, c) => s + (c.values[i] as number), 0);
      expect(sum).toBeCloseTo(1, 9);
    }
    expect(correct / frame.rows).toBeGreaterThan(0.9);
    expect(Object.values(predict.summary).reduce((a, b) => a + b, 0)).toBe(344);
  }, 180_000);

  it('fails validation without retrying on a blocking anomaly, naming the column; nothing registered', async () => {
    const name = unique('penguins-bad');
    const { view, error } = await run({
      modelName: name,
      schema: {
        columns: { species: { type: 'string' }, wing_span: { type: 'number' }, body_mass_g: { type: 'number', max: 5000 } },
        newColumns: 'ignore',
      },
    });
    expect(view.status).toBe('failed');
    expect(error).toMatch(/DataValidationFailed/);
    expect(error).toMatch(/wing_span/);
    expect(error).toMatch(/body_mass_g/);
    expect(taskOf(view, 'validate')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(statesOf(view)).toMatchObject({
      split: 'upstream_failed',
      tune: 'upstream_failed',
      register: 'upstream_failed',
      report: 'upstream_failed',
    });
    await expect(listVersions(h.store, name)).resolves.toEqual([]);
  }, 180_000);

  it('regression by random search over gradient boosting and ridge: metrics are RMSE, MAE, R²', async () => {
    const name = unique('penguins-mass');
    const numeric = ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm'];
    const { view } = await run({
      modelName: name,
      target: 'body_mass_g',
      task: 'regression',
      features: {
        features: [...numeric, 'species', 'sex'],
        steps: [
          { op: 'impute', columns: numeric, strategy: 'mean' },
          { op: 'onehot', columns: ['species', 'sex'] },
        ],
      },
      search: {
        strategy: 'random',
        trials: 2,
        space: [
          { kind: 'gbt', params: { learningRate: { low: 0.05, high: 0.2, log: true }, maxIter: [60], minSamplesLeaf: [10] } },
          { kind: 'linear_regression', params: { alpha: [1] } },
        ],
      },
      selectBy: 'rmse',
      split: { strategy: 'random', testFraction: 0.25 },
      thresholds: [{ metric: 'r2', lower: 0.6 }],
    });
    expect(view.status).toBe('success');
    const evaluation = output<EvaluateModelOutput>(view, 'evaluate');
    expect(evaluation.task).toBe('regression');
    expect(Object.keys(evaluation.metrics).sort()).toEqual(['mae', 'n', 'r2', 'rmse']);
    expect(evaluation.metrics.r2).toBeGreaterThan(0.6);
    expect(output<RegisterModelOutput>(view, 'register').version).toBe(1);
  }, 180_000);

  it('another real dataset: Seattle weather CSV, time-based split, date parts, 5-class gradient boosting', async () => {
    const name = unique('seattle-weather');
    const numeric = ['precipitation', 'temp_max', 'temp_min', 'wind'];
    const { view } = await run({
      modelName: name,
      source: 'npm:vega-datasets/data/seattle-weather.csv',
      target: 'weather',
      schema: {
        columns: {
          date: { type: 'timestamp', nullable: false, unique: true, min: '2012-01-01', max: '2016-01-01' },
          weather: { type: 'string', categories: ['drizzle', 'rain', 'sun', 'snow', 'fog'] },
          precipitation: { type: 'number', min: 0 },
          temp_max: { type: 'number', min: -30, max: 50 },
          temp_min: { type: 'number', min: -30, max: 50 },
          wind: { type: 'number', min: 0 },
        },
        minRows: 1000,
      },
      features: {
        features: [...numeric, 'date'],
        steps: [
          { op: 'date_parts', columns: ['date'], parts: ['month', 'dayofyear'] },
          { op: 'standardize', columns: numeric },
        ],
      },
      split: { strategy: 'time', testFraction: 0.2, timeColumn: 'date' },
      search: {
        strategy: 'grid',
        space: [
          { kind: 'gbt', params: { learningRate: [0.1], maxIter: [40] } },
          { kind: 'logistic_regression', params: { C: [1] } },
        ],
      },
      selectBy: 'macro_f1',
      thresholds: [{ metric: 'accuracy', lower: 0.6 }],
    });
    expect(view.status).toBe('success');
    const split = output<SplitDataOutput>(view, 'split');
    expect(split).toMatchObject({
      task: 'multiclass',
      classes: ['drizzle', 'fog', 'rain', 'snow', 'sun'],
      strategy: 'time',
      trainRows: 1169,
      testRows: 292,
    });
    expect((split.boundary?.lastTrain ?? '') < (split.boundary?.firstTest ?? '')).toBe(true);
    const evaluation = output<EvaluateModelOutput>(view, 'evaluate');
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.6);
    expect(evaluation.confusion).toHaveLength(5);
    const model = await readModel(h.store, output<TrainModelOutput>(view, 'train_best').model);
    expect(model.pipeline.featureNames).toEqual(expect.arrayContaining(['date_month', 'date_dayofyear', 'precipitation']));
  }, 180_000);

  it('bad params are refused before the run starts, naming each param', async () => {
    const refused = run({ selectBy: 'auc', search: { strategy: 'grid', space: [{ kind: 'svm', params: {} }] } });
    await expect(refused).rejects.toThrow(
      /Invalid params for DAG 'ml_retrain':\n {2}- search\.space\.0\.kind: .*\n {2}- selectBy: Invalid option/,
    );
  }, 60_000);

  it('the evaluation artifact has the ROC-free multiclass evaluation and per-class scores', async () => {
    const { view } = await run({ modelName: unique('penguins-eval'), promote: false, thresholds: [{ metric: 'accuracy', lower: 0 }] });
    const evaluation = output<EvaluateModelOutput>(view, 'evaluate');
    const doc = (await getArtifact(h.store, evaluation.evaluation)) as {
      candidate: { perClass: { class: string }[]; confusion: number[][] };
    };
    expect(doc.candidate.perClass.map((c) => c.class)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(doc.candidate.confusion).toEqual(evaluation.confusion);
    expect(output<RegisterModelOutput>(view, 'register').promoted).toBeUndefined();
  }, 180_000);
});
