/**
 * Splits and validation a user controls (issue 11 part 5), through the activities on the real
 * MinIO: a time split at an absolute or a data-interval-relative cutoff (rows at the cutoff are
 * test), holdout validation (folds 0), and the top-k trials fitted and scored on the test set
 * (evaluate's leaderboard).
 */
import { describe, expect, it } from 'vitest';
import { writeDataset, type DatasetRef } from '../../activities/ml/dataset';
import { evaluateModel } from '../../activities/ml/evaluate-model';
import { splitData, type SplitDataOutput } from '../../activities/ml/split-data';
import { trainModel } from '../../activities/ml/train-model';
import { readSplit } from '../../activities/ml/training-data';
import { tuneTrial, type TrialResult } from '../../activities/ml/tune-trial';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import { frameFromRows } from '../../ml/frame/frame';
import { createRng } from '../../ml/stats/random';
import { testContext, testStore } from './activity-env';

const store = testStore(`split-validation-${Date.now()}`);
const split = splitData(() => store);
const tune = tuneTrial(() => store);
const train = trainModel(() => store);
const evaluate = evaluateModel(() => store);

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const FEATURES: FeaturePipelineSpecInput = { features: ['x', 'z'], steps: [{ op: 'standardize', columns: ['x', 'z'] }] };

/** 200 hourly rows from 2024-01-01, a noisy binary label driven by x. */
async function hourly(): Promise<DatasetRef> {
  const rand = createRng(5);
  const rows = Array.from({ length: 200 }, (_, i) => {
    const x = rand() * 4 - 2;
    const z = rand();
    return { ts: new Date(T0 + i * HOUR).toISOString(), x, z, y: x + (rand() - 0.5) > 0 ? 'yes' : 'no' };
  });
  return writeDataset(store, `${store.prefix}hourly-${Math.random().toString(36).slice(2)}.arrow`, frameFromRows(rows));
}

const timeSplit = (dataset: DatasetRef, cutoff: string, ctx = testContext()) =>
  split({ dataset, target: 'y', task: 'auto', strategy: 'time', testFraction: 0.2, seed: 1, timeColumn: 'ts', cutoff }, ctx);

describe('time split at a cutoff', () => {
  it('an ISO cutoff: train < cutoff ≤ test, a row exactly at the cutoff is test; the boundary and cutoff are reported', async () => {
    const ds = await hourly();
    const out = await timeSplit(ds, '2024-01-07');
    // 2024-01-07T00:00 is row 144: rows 0..143 train, 144..199 test.
    expect(out).toMatchObject({
      trainRows: 144,
      testRows: 56,
      boundary: { lastTrain: '2024-01-06T23:00:00.000Z', firstTest: '2024-01-07T00:00:00.000Z', cutoff: '2024-01-07T00:00:00.000Z' },
    });
    const s = await readSplit(store, out.split);
    expect(s.cutoff).toBe('2024-01-07T00:00:00.000Z');
    expect(Math.max(...s.train)).toBe(143);
    expect(Math.min(...s.test)).toBe(144);
  });

  it('relative to the run data interval: each logical date gets its own cutoff', async () => {
    const ds = await hourly();
    const ctx = (day: string) =>
      testContext({ dataIntervalStart: `${day}T00:00:00.000Z`, dataIntervalEnd: new Date(Date.parse(day) + 86_400_000).toISOString() });
    // Interval of 2024-01-08 ends 2024-01-09T00:00; minus 2 days and 12 hours: 2024-01-06T12:00 (row 132).
    const a = await timeSplit(ds, 'dataIntervalEnd - 2 days', ctx('2024-01-08'));
    expect(a.boundary?.cutoff).toBe('2024-01-07T00:00:00.000Z');
    expect(a.trainRows).toBe(144);
    const b = await timeSplit(ds, 'dataIntervalStart - 12 hours', ctx('2024-01-07'));
    expect(b.boundary?.cutoff).toBe('2024-01-06T12:00:00.000Z');
    expect(b.trainRows).toBe(132);
  });

  it('a cutoff leaving one side empty, or not an instant, fails naming it', async () => {
    const ds = await hourly();
    await expect(timeSplit(ds, '2030-01-01')).rejects.toMatchObject({
      type: 'InvalidSplit',
      message: expect.stringMatching(/the test side is empty \(cutoff 2030-01-01T00:00:00.000Z/),
    });
    await expect(timeSplit(ds, 'next tuesday')).rejects.toMatchObject({
      type: 'InvalidSplit',
      message: expect.stringMatching(/'next tuesday' is not/),
    });
  });
});

describe('holdout validation and the top-k leaderboard', () => {
  const trialInput = (ds: DatasetRef, s: SplitDataOutput, index: number, C: number, folds: number) => ({
    trial: { index, kind: 'logistic_regression' as const, hyperparams: { C } },
    dataset: ds,
    split: s.split,
    target: 'y',
    task: s.task,
    classes: s.classes,
    features: FEATURES,
    seed: 3,
    metric: 'accuracy' as const,
    folds,
    validationFraction: 0.25,
  });

  it('folds 0 scores a trial on one stratified holdout of the train rows; k folds score k', async () => {
    const ds = await hourly();
    const s = await timeSplit(ds, '2024-01-07');
    const holdout = await tune(trialInput(ds, s, 0, 1, 0), testContext());
    expect(holdout.validation).toEqual({ kind: 'holdout', fraction: 0.25, rows: 36 });
    expect(holdout.perFold).toHaveLength(1);
    expect(holdout.std).toBe(0);
    expect(holdout.mean).toBe(holdout.perFold[0]);
    expect(holdout.mean).toBeGreaterThan(0.6);
    const kfold = await tune(trialInput(ds, s, 0, 1, 3), testContext());
    expect(kfold.validation).toEqual({ kind: 'kfold', folds: 3 });
    expect(kfold.perFold).toHaveLength(3);
  });

  it('scoreTopK: the k best trials are fitted on the train split and scored on the test rows; rank 1 is the candidate', async () => {
    const ds = await hourly();
    const s = await timeSplit(ds, '2024-01-07');
    const trials: TrialResult[] = [];
    for (const [i, C] of [0.001, 1, 100].entries()) trials.push(await tune(trialInput(ds, s, i, C, 0), testContext()));
    const common = { dataset: ds, split: s.split, target: 'y', task: s.task, classes: s.classes, features: FEATURES, seed: 3 };
    const trained = await train({ ...common, metric: 'accuracy', trials, modelName: 'topk', scoreTopK: 2 }, testContext());
    expect(trained.ranked?.map((r) => r.rank)).toEqual([1, 2]);
    expect(trained.ranked?.[0]?.model).toEqual(trained.model);
    const order = [...trials].sort((a, b) => b.mean - a.mean || a.index - b.index);
    expect(trained.ranked?.map((r) => r.trial.index)).toEqual(order.slice(0, 2).map((t) => t.index));

    const ev = await evaluate(
      { model: trained.model, dataset: ds, split: s.split, championAlias: null, ...(trained.ranked && { ranked: trained.ranked }) },
      testContext(),
    );
    expect(ev.leaderboard).toHaveLength(2);
    const [first, second] = ev.leaderboard ?? [];
    expect(first).toMatchObject({ rank: 1, index: trained.best.index, test: ev.metrics });
    expect(first?.validation).toEqual({ metric: 'accuracy', mean: trained.best.mean, std: 0 });
    expect(second?.rank).toBe(2);
    expect(second?.test.n).toBe(56);
    expect(second?.index).not.toBe(first?.index);

    // Without scoreTopK: no leaderboard, as before.
    const single = await train({ ...common, metric: 'accuracy', trials, modelName: 'top1' }, testContext());
    expect(single.ranked).toBeUndefined();
  });
});
