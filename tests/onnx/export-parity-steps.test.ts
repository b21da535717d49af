/**
 * The 10,000-row parity of export-parity.test.ts for the step variants its two pipelines leave out,
 * and the proof that together they cover every exportable feature step variant and every
 * estimator × task: impute constant (numbers and strings) and most_frequent on numbers, standardize
 * without mean or without scale, minmax without clip on another range, every bin strategy × encoding,
 * one-hot of booleans, with maxCategories, missing 'error' and handleUnknown 'error', a categorical
 * step on booleans and with maxCategories (infrequent codes), date parts kept and in 'Etc/UTC', drop
 * of a one-hot group. Scored rows include categories never seen in training and missing values
 * (imputed, or passed to the trees as the missing category). Rows Tideflow refuses are covered
 * below, 10,000 at a time, one refusal kind each.
 */
import { describe, expect, it } from 'vitest';
import type { EstimatorKind, Task } from '../../ml/estimators';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import { fittedStepSchema } from '../../ml/features/run';
import { takeRows, type Frame } from '../../ml/frame/frame';
import { exportLoadedModel } from '../../ml/onnx';
import { scoreFrame } from '../../ml/predict';
import {
  expectOnnxParity,
  PARITY_CASES,
  generate,
  parityCases,
  parityHyperparams,
  labelMismatches,
  maxRelativeError,
  scoreOnnx,
  trainModel,
} from './helpers';

const ROWS = 10_000;
const scoring = generate(ROWS, 123, { unseen: true });

/** Gradient boosting: one-hot bins beside native categories (booleans, infrequent codes), kept timestamps. */
const GBT_EXTRA: FeaturePipelineSpecInput = {
  features: ['num_a', 'num_b', 'num_c', 'colour', 'size', 'flag', 'at'],
  steps: [
    { op: 'impute', columns: ['num_a'], strategy: 'constant', fillValue: -5 },
    { op: 'impute', columns: ['num_b', 'at'], strategy: 'mean' },
    { op: 'standardize', columns: ['num_a'], withStd: false },
    { op: 'minmax', columns: ['num_b'], range: [-1, 1] },
    { op: 'bin', columns: ['num_c'], nBins: 4, strategy: 'quantile', encode: 'onehot' },
    { op: 'date_parts', columns: ['at'], parts: ['year', 'month', 'dayofyear', 'minute'], timezone: 'Etc/UTC', keep: true },
    // The kept timestamp (epoch ms) as a scaled feature.
    { op: 'standardize', columns: ['at'] },
    { op: 'bin', columns: ['at_dayofyear'], nBins: 5, strategy: 'uniform', encode: 'ordinal' },
    { op: 'categorical', columns: ['colour'], maxCategories: 4 },
    { op: 'categorical', columns: ['size', 'flag'] },
  ],
};

/** Linear models: everything imputed (they need finite features), every one-hot variant that scores all rows. */
const LINEAR_EXTRA: FeaturePipelineSpecInput = {
  features: ['num_a', 'num_b', 'num_c', 'colour', 'size', 'flag', 'at'],
  steps: [
    { op: 'impute', columns: ['colour'], strategy: 'constant', fillValue: 'none' },
    { op: 'impute', columns: ['num_a'], strategy: 'constant' },
    { op: 'impute', columns: ['num_b', 'size'], strategy: 'most_frequent' },
    { op: 'impute', columns: ['at'], strategy: 'median' },
    { op: 'standardize', columns: ['num_b'], withMean: false },
    { op: 'minmax', columns: ['num_a'], range: [-2, 2] },
    { op: 'bin', columns: ['num_c'], nBins: 3, strategy: 'uniform', encode: 'ordinal' },
    { op: 'date_parts', columns: ['at'], parts: ['month', 'weekday', 'hour'], timezone: 'Etc/UTC' },
    { op: 'bin', columns: ['at_month'], nBins: 3, strategy: 'quantile', encode: 'onehot' },
    { op: 'bin', columns: ['at_hour'], nBins: 4, strategy: 'quantile', encode: 'onehot' },
    { op: 'drop', columns: ['at_hour'] },
    { op: 'onehot', columns: ['colour', 'size'], handleUnknown: 'infrequent_if_exist', maxCategories: 4, missing: 'error' },
    { op: 'onehot', columns: ['flag'], handleUnknown: 'error', missing: 'error' },
    { op: 'interact', pairs: [['num_a', 'at_weekday']] },
  ],
};

const CASES = parityCases(['extra', GBT_EXTRA], ['extra', LINEAR_EXTRA]);
const BASE_CASES = PARITY_CASES;

/** Trained on the shared training rows, then exported and scored against scoreFrame on `rows`. */
async function expectParity(kind: EstimatorKind, task: Task, spec: FeaturePipelineSpecInput, rows: Frame): Promise<void> {
  await expectOnnxParity(await trainModel(kind, task, spec, parityHyperparams(kind)), task, rows);
}

describe('ONNX export parity, the remaining step variants (10,000 rows, onnxruntime-node)', () => {
  it.each(CASES)('%s %s (%s features)', async (kind, task, _name, spec) => expectParity(kind, task, spec, scoring), 120_000);

  it('the parity pipelines cover every exportable step variant, and every estimator × task', () => {
    const variants = new Set<string>();
    for (const [, , , spec] of [...BASE_CASES, ...CASES])
      for (const s of spec.steps ?? []) {
        variants.add(s.op);
        if (s.op === 'impute') variants.add(`impute:${s.strategy ?? 'median'}`);
        if (s.op === 'standardize')
          variants.add(`standardize:${s.withMean === false ? 'no-mean' : s.withStd === false ? 'no-std' : 'both'}`);
        if (s.op === 'minmax') variants.add(`minmax:${s.clip ? 'clip' : 'no-clip'}`);
        if (s.op === 'log') variants.add(`log:${(s.offset ?? 1) === 1 ? 'log1p' : 'offset'}`);
        if (s.op === 'bin') variants.add(`bin:${s.strategy ?? 'quantile'}:${s.encode ?? 'onehot'}`);
        if (s.op === 'onehot') {
          variants.add(`onehot:${s.handleUnknown ?? 'ignore'}`);
          variants.add(`onehot:missing-${s.missing ?? 'category'}`);
          if (s.maxCategories !== undefined || s.minFrequency !== undefined) variants.add('onehot:infrequent');
        }
        if (s.op === 'categorical' && s.maxCategories !== undefined) variants.add('categorical:max');
        if (s.op === 'date_parts') {
          variants.add(`date_parts:${s.keep ? 'keep' : 'replace'}`);
          for (const p of s.parts ?? ['hour', 'weekday', 'month']) variants.add(`date_parts:${p}`);
        }
      }
    const ops = fittedStepSchema.options.map((o) => o.shape.op.value);
    const expected = [
      ...ops,
      ...['mean', 'median', 'most_frequent', 'constant'].map((v) => `impute:${v}`),
      ...['both', 'no-mean', 'no-std'].map((v) => `standardize:${v}`),
      'minmax:clip',
      'minmax:no-clip',
      'log:log1p',
      'log:offset',
      ...['uniform', 'quantile'].flatMap((st) => ['ordinal', 'onehot'].map((e) => `bin:${st}:${e}`)),
      'onehot:ignore',
      'onehot:infrequent_if_exist',
      'onehot:error',
      'onehot:missing-category',
      'onehot:missing-error',
      'onehot:infrequent',
      'categorical:max',
      'date_parts:keep',
      'date_parts:replace',
      ...['year', 'month', 'day', 'hour', 'minute', 'weekday', 'dayofyear'].map((p) => `date_parts:${p}`),
    ];
    expect([...variants].sort()).toEqual([...new Set(expected)].sort());
    const combos = new Set([...BASE_CASES, ...CASES].map(([kind, task]) => `${kind} ${task}`));
    expect([...combos].sort()).toEqual(
      [
        'gbt binary',
        'gbt multiclass',
        'gbt regression',
        'linear_regression regression',
        'logistic_regression binary',
        'logistic_regression multiclass',
      ].sort(),
    );
  });
});

describe('rows Tideflow refuses, among 10,000 (NaN and an empty label; every other row as scoreFrame)', () => {
  const REFUSALS: [string, FeaturePipelineSpecInput, (rows: Frame, i: number) => boolean][] = [
    [
      "a value outside log's domain",
      {
        features: ['num_a', 'colour'],
        steps: [
          { op: 'impute', columns: ['num_a'], strategy: 'median' },
          { op: 'log', columns: ['num_a'], offset: 3 },
          { op: 'categorical', columns: ['colour'] },
        ],
      },
      (rows, i) => ((rows.columns[0]?.values as Float64Array)[i] as number) + 3 <= 0,
    ],
    [
      "a missing value under onehot missing: 'error'",
      {
        features: ['num_c', 'colour'],
        steps: [{ op: 'onehot', columns: ['colour'], missing: 'error', handleUnknown: 'ignore' }],
      },
      (rows, i) => (rows.columns[3]?.values as (string | null)[])[i] === null,
    ],
  ];

  it.each(REFUSALS)(
    '%s',
    async (_why, spec, refused) => {
      const train = generate(3000, 17);
      const kind: EstimatorKind = spec.steps?.some((s) => s.op === 'categorical') ? 'gbt' : 'logistic_regression';
      // Trained on rows Tideflow accepts, so fitting sees no refused value.
      const ok = Array.from({ length: train.rows }, (_, i) => i).filter((i) => !refused(train, i));
      const model = await trainModel(kind, 'binary', spec, parityHyperparams(kind), ok.length, takeRows(train, ok));
      const got = await scoreOnnx(exportLoadedModel(model, { tideflowVersion: 'test' }), scoring, model.pipeline.inputs);
      const bad = Array.from({ length: ROWS }, (_, i) => i).filter((i) => refused(scoring, i));
      const good = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !refused(scoring, i));
      expect(bad.length).toBeGreaterThan(20);
      for (const i of bad.slice(0, 50)) expect(() => scoreFrame(model, takeRows(scoring, [i]))).toThrow();
      for (const i of bad) {
        expect(got.label?.[i]).toBe('');
        expect(Number.isNaN(got.probabilities?.[2 * i] as number)).toBe(true);
      }
      const want = scoreFrame(model, takeRows(scoring, good));
      const gotGood = good.flatMap((i) => [got.probabilities?.[2 * i] as number, got.probabilities?.[2 * i + 1] as number]);
      expect(maxRelativeError(gotGood, want.proba as Float64Array)).toBeLessThan(1e-5);
      expect(
        labelMismatches(
          good.map((i) => got.label?.[i] as string),
          want.labels as string[],
        ),
      ).toEqual([]);
    },
    120_000,
  );
});
