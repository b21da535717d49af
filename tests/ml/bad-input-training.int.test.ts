/**
 * Bad input that gets past ingest (issue 4, "Bad input"), on the real MinIO: NaN/Infinity in
 * features — reported by validate as non_finite, and when validation only warns, refused by
 * tune / train / evaluate with a non-retryable error naming the feature — an all-null feature
 * the schema allowed, a regression target with Infinity, and the split or model artifact of an
 * earlier step deleted or replaced (MissingArtifact / InvalidArtifact naming the s3 uri).
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { writeDataset, type DatasetRef } from '../../activities/ml/dataset';
import { evaluateModel } from '../../activities/ml/evaluate-model';
import { ingestData } from '../../activities/ml/ingest-data';
import { fitTransformFeatures, type FeaturePipelineSpecInput } from '../../ml/features';
import { csvToFrame } from '../../ml/io/csv';
import { splitData, type SplitArtifact, type SplitDataOutput } from '../../activities/ml/split-data';
import { putArtifact } from '../../activities/ml/store';
import { trainModel, type TrainModelInput } from '../../activities/ml/train-model';
import { tuneTrial, type TuneTrialInput } from '../../activities/ml/tune-trial';
import type { ArtifactRef } from '../../activities/ml/types';
import { validateData } from '../../activities/ml/validate-data';
import { testContext, testStore } from './activity-env';
import { classCsv, failure, localFile } from './bad-input-data';

const store = testStore(`bad-input-training-${Date.now()}`);
const ingest = ingestData(() => store);
const validate = validateData(() => store);
const split = splitData(() => store);
const tune = tuneTrial(() => store);
const train = trainModel(() => store);
const evaluate = evaluateModel(() => store);
const keyOf = (uri: string): string => uri.replace(`s3://${store.bucket}/`, '');

const ingestCsv = (name: string, csv: string): Promise<DatasetRef> =>
  ingest({ source: localFile(name, csv), normalizeColumns: false }, testContext());
const stratified = (dataset: DatasetRef): Promise<SplitDataOutput> =>
  split({ dataset, target: 'label', task: 'auto', strategy: 'stratified', testFraction: 0.25, seed: 7 }, testContext());

const TRIAL_RESULT = {
  index: 0,
  kind: 'logistic_regression',
  hyperparams: {},
  metric: 'accuracy' as const,
  mean: 0.9,
  std: 0,
  perFold: [0.9],
  allMetrics: {},
};

function tuneInput(
  dataset: DatasetRef,
  s: SplitDataOutput,
  features: FeaturePipelineSpecInput,
  kind: 'logistic_regression' | 'gbt' = 'logistic_regression',
): TuneTrialInput {
  return {
    trial: { index: 0, kind, hyperparams: kind === 'gbt' ? { maxIter: 5 } : {} },
    dataset,
    split: s.split,
    target: 'label',
    task: s.task,
    classes: s.classes,
    features,
    folds: 3,
    seed: 7,
    metric: 'accuracy',
  };
}

function trainInput(
  dataset: DatasetRef,
  splitRef: ArtifactRef,
  features: FeaturePipelineSpecInput,
  modelName = 'bad-input',
): TrainModelInput {
  return {
    trials: [TRIAL_RESULT],
    metric: 'accuracy',
    dataset,
    split: splitRef,
    target: 'label',
    task: 'binary',
    classes: ['A', 'B'],
    features,
    seed: 7,
    modelName,
  };
}

const STANDARDIZE_X: FeaturePipelineSpecInput = { features: ['x', 'x2'], steps: [{ op: 'standardize', columns: ['x', 'x2'] }] };

describe('Infinity and NaN in a number feature', () => {
  // ±Infinity in every 10th row: some of them are in every fold's training rows.
  const infCsv = classCsv(60, (i, col) => (col === 'x' && i % 10 === 3 ? (i % 20 === 3 ? 'inf' : '-Infinity') : undefined));

  it('validate reports a non_finite anomaly naming the column (blocking by default)', async () => {
    const data = await ingestCsv('inf.csv', infCsv);
    expect(data.schema).toContainEqual({ name: 'x', type: 'number' });
    const err = await failure(
      validate({ dataset: data, schema: { columns: { x: { type: 'number' } }, newColumns: 'ignore' } }, testContext()),
    );
    expect(err).toMatchObject({ type: 'DataValidationFailed', nonRetryable: true });
    expect(err.message).toContain("column 'x' has 6 of 60 (10%) infinite values (+Infinity 3, -Infinity 3)");
    expect((err.details as [{ anomalies: unknown[] }])[0].anomalies).toEqual([
      expect.objectContaining({ column: 'x', kind: 'non_finite', severity: 'error' }),
    ]);
  });

  it('validation told to only warn: every training step then refuses the feature, non-retryably, naming it', async () => {
    const data = await ingestCsv('inf-warn.csv', infCsv);
    const checked = await validate(
      { dataset: data, schema: { columns: { x: { type: 'number', severity: 'warning' } }, newColumns: 'ignore' } },
      testContext(),
    );
    expect(checked.anomalies).toEqual([expect.objectContaining({ column: 'x', kind: 'non_finite', severity: 'warning' })]);
    const s = await stratified(data);

    // A scaler cannot be fitted on it.
    const scaled = await failure(tune(tuneInput(data, s, STANDARDIZE_X), testContext()));
    expect(scaled).toMatchObject({ type: 'FeaturePipelineError', nonRetryable: true });
    expect(scaled.message).toMatch(
      /^trial 0 \(logistic_regression\): feature pipeline step 0 \(standardize\), fitting: column 'x' cannot be fitted: it holds -?Infinity at row \d+$/,
    );
    // Without a step that reads it, the pipeline's last check names it; gbt (which accepts NaN) is refused too.
    const raw = await failure(tune(tuneInput(data, s, { features: ['x', 'x2'], steps: [] }, 'gbt'), testContext()));
    expect(raw).toMatchObject({ type: 'FeaturePipelineError', nonRetryable: true });
    expect(raw.message).toMatch(
      /^trial 0 \(gbt\): feature 'x' has \d+ infinite values? after the pipeline in the training rows \(first at row \d+\)$/,
    );
    // train_best: the same, on the whole train split.
    const trained = await failure(train(trainInput(data, s.split, STANDARDIZE_X), testContext()));
    expect(trained).toMatchObject({ type: 'FeaturePipelineError', nonRetryable: true });
    expect(trained.message).toMatch(
      /^train_best: feature pipeline step 0 \(standardize\), fitting: column 'x' cannot be fitted: it holds -?Infinity at row \d+$/,
    );
  });

  it('NaN is missing: without an impute step the pipeline names the feature and says to impute it', async () => {
    const data = await ingestCsv(
      'nan.csv',
      classCsv(60, (i, col) => (col === 'x2' && i % 9 === 4 ? 'NaN' : undefined)),
    );
    expect(data.schema).toContainEqual({ name: 'x2', type: 'number' });
    const s = await stratified(data);
    const err = await failure(tune(tuneInput(data, s, { features: ['x', 'x2'], steps: [] }, 'gbt'), testContext()));
    expect(err).toMatchObject({ type: 'FeaturePipelineError', nonRetryable: true });
    expect(err.message).toMatch(
      /^trial 0 \(gbt\): feature 'x2' still has \d+ missing values? after the pipeline in the training rows \(first at row \d+\): add an impute step for 'x2' before the steps that need complete values$/,
    );
    // Where the missing and the infinite cells are, each message points at its own kind.
    const mixed = csvToFrame('x\ninf\n1\nNaN\n');
    expect(() => fitTransformFeatures(mixed, { features: ['x'], steps: [] })).toThrow(
      "feature 'x' still has 1 missing value after the pipeline in the training rows (first at row 2): add an impute step for 'x' before the steps that need complete values",
    );
    const noValue = { rows: 3, columns: [{ name: 'x', type: 'number' as const, values: new Float64Array([NaN, NaN, NaN]) }] };
    expect(() => fitTransformFeatures(noValue, { features: ['x'], steps: [] })).toThrow(
      "feature 'x' has no value in any of the 3 training rows (all missing): leave 'x' out of the features or fix the source",
    );
    // With one, it trains.
    const ok = await tune(
      tuneInput(data, s, { features: ['x', 'x2'], steps: [{ op: 'impute', columns: ['x2'], strategy: 'median' }] }),
      testContext(),
    );
    expect(ok.perFold).toHaveLength(3);
  });

  it('Infinity only in the test rows: evaluate refuses to score them, naming the feature', async () => {
    // Rows 0..39 train (finite), 40..47 test, one of them +Infinity.
    const frame = csvToFrame(classCsv(48, (i, col) => (col === 'x' && i === 45 ? 'Infinity' : undefined)));
    const data = await writeDataset(store, `${store.prefix}datasets/inf-test.arrow`, frame);
    const artifact: SplitArtifact = {
      format: 'tideflow.split',
      version: 2,
      dataset: data.uri,
      strategy: 'random',
      seed: 0,
      testFraction: 1 / 6,
      train: [...Array(40).keys()],
      test: [40, 41, 42, 43, 44, 45, 46, 47],
    };
    const splitRef = await putArtifact(store, `${store.prefix}datasets/inf-test-split.json`, artifact);
    const trained = await train(trainInput(data, splitRef, STANDARDIZE_X), testContext());
    const err = await failure(evaluate({ model: trained.model, dataset: data, split: splitRef, championAlias: null }, testContext()));
    expect(err).toMatchObject({
      type: 'FeaturePipelineError',
      nonRetryable: true,
      message: "evaluate: feature 'x' has 1 infinite value after the pipeline in the rows to transform (first at row 5)",
    });
  });
});

describe('an all-null feature the schema allowed, a regression target with Infinity', () => {
  it('training names the all-null column instead of calling it a string column', async () => {
    const data = await ingestCsv(
      'null-feature.csv',
      classCsv(40, (i, col) => (col === 'x2' ? '' : undefined)),
    );
    const s = await stratified(data);
    const features: FeaturePipelineSpecInput = { features: ['x', 'x2'], steps: [{ op: 'impute', columns: ['x2'], strategy: 'median' }] };
    const err = await failure(tune(tuneInput(data, s, features), testContext()));
    expect(err).toMatchObject({ type: 'FeaturePipelineError', nonRetryable: true });
    expect(err.message).toMatch(
      /^trial 0 \(logistic_regression\): feature pipeline: input column 'x2' has no value in the \d+ training rows \(all missing, so read as text\): leave it out of the features or fix the source \(.*strategy 'median' needs numbers.*\)$/,
    );
  });

  it('split refuses a regression target holding Infinity, naming the target and the row', async () => {
    const data = await ingestCsv('inf-target.csv', 'x,y\n1,2\n2,4\n3,inf\n4,8\n5,10\n');
    const err = await failure(
      split({ dataset: data, target: 'y', task: 'auto', strategy: 'random', testFraction: 0.4, seed: 1 }, testContext()),
    );
    expect(err).toMatchObject({
      type: 'InvalidTarget',
      nonRetryable: true,
      message: "target 'y' is Infinity at row 2: regression needs finite targets",
    });
  });
});

describe('a deleted or replaced split or model artifact: MissingArtifact / InvalidArtifact naming the s3 uri', () => {
  it('the split artifact deleted before tune, replaced before train_best', async () => {
    const data = await ingestCsv('split-gone.csv', classCsv(40));
    const s = await stratified(data);
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: keyOf(s.split.uri) }));
    const gone = await failure(tune(tuneInput(data, s, STANDARDIZE_X), testContext()));
    expect(gone).toMatchObject({
      type: 'MissingArtifact',
      nonRetryable: true,
      message: `artifact ${s.split.uri} does not exist (deleted, or written under another bucket/prefix?)`,
    });

    const s2 = await stratified(data);
    await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: keyOf(s2.split.uri), Body: '{"format":"tideflow.split"}' }));
    const replaced = await failure(train(trainInput(data, s2.split, STANDARDIZE_X), testContext()));
    expect(replaced).toMatchObject({ type: 'InvalidArtifact', nonRetryable: true });
    expect(replaced.message).toMatch(
      new RegExp(
        `^artifact ${s2.split.uri} is corrupted: expected ${s2.split.bytes} bytes with sha256 ${s2.split.sha256}, got 27 bytes with sha256 [0-9a-f]{64}$`,
      ),
    );
  });

  it('a split made for another dataset; the model artifact deleted or not a model', async () => {
    const data = await ingestCsv('model-gone.csv', classCsv(40));
    const other = await ingestCsv('other.csv', classCsv(40));
    const s = await stratified(data);
    const mixed = await failure(tune(tuneInput(other, s, STANDARDIZE_X), testContext()));
    expect(mixed).toMatchObject({
      type: 'InvalidArtifact',
      nonRetryable: true,
      message: `split ${s.split.uri} was made for ${data.uri}, not ${other.uri}`,
    });

    const trained = await train(trainInput(data, s.split, STANDARDIZE_X), testContext());
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: keyOf(trained.model.uri) }));
    const gone = await failure(evaluate({ model: trained.model, dataset: data, split: s.split, championAlias: null }, testContext()));
    expect(gone).toMatchObject({
      type: 'MissingArtifact',
      nonRetryable: true,
      message: `artifact ${trained.model.uri} does not exist (deleted, or written under another bucket/prefix?)`,
    });

    const notModel = await putArtifact(store, `${store.prefix}models/not-a-model.json`, { format: 'tideflow.split', version: 2 });
    const wrong = await failure(evaluate({ model: notModel, dataset: data, split: s.split, championAlias: null }, testContext()));
    expect(wrong).toMatchObject({
      type: 'InvalidArtifact',
      nonRetryable: true,
      message: `${notModel.uri} is not a tideflow.model: its format is "tideflow.split"`,
    });
  });
});
