/**
 * Native categorical features, missing values, sample weights and class weights in gradient
 * boosting: exact parity with scikit-learn 1.2's HistGradientBoosting (categorical_features,
 * NaNs, unknown categories at prediction, sample_weight, class_weight='balanced') on the fixture
 * of fixtures/gen_gbt_categorical.py, plus the serialised form (version 3/4, old versions read).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fitGbt,
  fitGbtMulticlass,
  gbtFromJson,
  gbtModelFromJson,
  gbtMulticlassProba,
  gbtProba,
  gbtRaw,
  gbtToJson,
  type GbtOptions,
} from '../../ml/gbt/gradient-boosting';
import { classWeightsToSampleWeights } from '../../ml/estimators/class-weight';
import { fitEstimator, predictEstimator } from '../../ml/estimators';
import type { Matrix } from '../../ml/frame/matrix';

interface Case {
  y: number[];
  baseline: number | number[];
  testProba?: number[];
  testPred?: number[];
}
interface Fixture {
  sklearn: string;
  params: { max_iter: number; learning_rate: number; max_leaf_nodes: number; min_samples_leaf: number; l2_regularization: number };
  rows: number;
  cols: number;
  trainRows: number;
  categorical: boolean[];
  x: (number | null)[];
  weights: number[];
  cases: Record<'binary' | 'binaryWeighted' | 'binaryBalanced' | 'regressionWeighted' | 'multiclass', Case>;
}

const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'gbt-categorical-sklearn.json'), 'utf8')) as Fixture;
const { rows, cols, trainRows, params } = fx;
const values = Float64Array.from(fx.x, (v) => (v === null ? NaN : v));
const train: Matrix = { data: values.slice(0, trainRows * cols), rows: trainRows, cols, categorical: fx.categorical };
const test: Matrix = { data: values.slice(trainRows * cols), rows: rows - trainRows, cols, categorical: fx.categorical };
const trainY = (c: Case): Float64Array => Float64Array.from(c.y.slice(0, trainRows));
const trainW = Float64Array.from(fx.weights.slice(0, trainRows));
const options: Omit<GbtOptions, 'loss'> = {
  maxIter: params.max_iter,
  learningRate: params.learning_rate,
  maxLeafNodes: params.max_leaf_nodes,
  minSamplesLeaf: params.min_samples_leaf,
  l2: params.l2_regularization,
};

/** Gradients are float32 (as sklearn's): leaf values are exact to about 1e-7. */
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6 + 0;

function maxDiff(a: ArrayLike<number>, b: readonly number[]): number {
  let m = 0;
  b.forEach((v, i) => (m = Math.max(m, Math.abs((a[i] as number) - v))));
  return m;
}

/** sklearn's baseline (1e-12) and test predictions (1e-10) of a fixture case. */
function expectSklearn(
  baseline: number | number[],
  predictions: ArrayLike<number>,
  c: { baseline: unknown; testProba?: unknown; testPred?: unknown },
): void {
  const want = [c.baseline].flat() as number[];
  [baseline].flat().forEach((b, k) => expect(Math.abs(b - (want[k] as number))).toBeLessThan(1e-12));
  expect(maxDiff(predictions, (c.testProba ?? c.testPred) as number[])).toBeLessThan(1e-10);
}

describe(`gradient boosting with categorical features and missing values = scikit-learn ${fx.sklearn}`, () => {
  // Gradients and hessians are float32 on both sides, so the models agree to rounding; a different
  // split anywhere (a category or NaN on the wrong side) shows as ~1e-2.
  it('binary log loss: categorical splits, NaN sides, unknown test categories as missing (1e-10)', () => {
    const c = fx.cases.binary;
    const m = fitGbt(train, trainY(c), { ...options, loss: 'log_loss' });
    expect(m.trees.some((t) => t.leftCategories.some((b) => b !== null))).toBe(true);
    expect(m.trees.some((t) => t.missingLeft.some((v, k) => v === 1 && (t.feature[k] as number) >= 0))).toBe(true);
    expectSklearn(m.baseline, gbtProba(m, test), c);
  });

  it('binary log loss with sample weights (1e-10)', () => {
    const c = fx.cases.binaryWeighted;
    const m = fitGbt(train, trainY(c), { ...options, loss: 'log_loss', sampleWeight: trainW });
    expectSklearn(m.baseline, gbtProba(m, test), c);
  });

  it("class_weight='balanced' = sample weights n / (n_classes × count) (1e-10)", () => {
    const c = fx.cases.binaryBalanced;
    const y = trainY(c);
    const w = classWeightsToSampleWeights(y, 2, 'balanced');
    const positives = y.reduce((s, v) => s + v, 0);
    expect(w[y.indexOf(1)]).toBeCloseTo(trainRows / (2 * positives), 12);
    const m = fitGbt(train, y, { ...options, loss: 'log_loss', sampleWeight: w });
    expectSklearn(m.baseline, gbtProba(m, test), c);
  });

  it('squared error with sample weights (non-constant hessians) (1e-10)', () => {
    const c = fx.cases.regressionWeighted;
    const m = fitGbt(train, trainY(c), { ...options, loss: 'squared_error', sampleWeight: trainW });
    expectSklearn(m.baseline, gbtRaw(m, test), c);
  });

  it('3-class log loss with categorical features (1e-10)', () => {
    const c = fx.cases.multiclass;
    const m = fitGbtMulticlass(train, Int32Array.from(trainY(c)), 3, options);
    expectSklearn(m.baseline, gbtMulticlassProba(m, test), c);
    const back = gbtModelFromJson(JSON.parse(gbtToJson(m)));
    expect(back.version).toBe(4);
    if (back.version === 4) expect(Array.from(gbtMulticlassProba(back, test))).toEqual(Array.from(gbtMulticlassProba(m, test)));
  });
});

describe('weights through the estimator layer', () => {
  it("classWeight 'balanced' and sampleWeight reach the gbt fit (same model as fitGbt with the product of both)", async () => {
    const c = fx.cases.binaryBalanced;
    const y = Int32Array.from(trainY(c));
    const hyperparams = { maxIter: 5, learningRate: 0.2, maxLeafNodes: 15, minSamplesLeaf: 10, l2: 0.5 };
    const est = await fitEstimator({
      kind: 'gbt',
      task: 'binary',
      numClasses: 2,
      x: train,
      y,
      hyperparams,
      classWeight: 'balanced',
      sampleWeight: trainW,
    });
    const w = classWeightsToSampleWeights(y, 2, 'balanced', undefined, trainW);
    const direct = fitGbt(train, y, { ...options, maxIter: 5, loss: 'log_loss', sampleWeight: w });
    const p = predictEstimator(est, test).proba as Float64Array;
    const q = gbtProba(direct, test);
    for (let i = 0; i < test.rows; i++) expect(p[2 * i + 1]).toBe(q[i]);
    const unweighted = await fitEstimator({ kind: 'gbt', task: 'binary', numClasses: 2, x: train, y, hyperparams });
    expect((predictEstimator(unweighted, test).proba as Float64Array)[1]).not.toBe(p[1]);
    await expect(
      fitEstimator({ kind: 'gbt', task: 'regression', x: train, y: trainY(fx.cases.regressionWeighted), classWeight: 'balanced' }),
    ).rejects.toThrow(/classWeight applies to classification/);
    await expect(
      fitEstimator({ kind: 'gbt', task: 'binary', numClasses: 2, x: train, y, sampleWeight: new Float64Array(3) }),
    ).rejects.toThrow(/3000 targets but 3 sample weights/);
  });
});

describe('categorical gradient boosting: format and refusals', () => {
  it('version 3 round-trips with bitsets, missing sides and gains; version-1 documents still read', () => {
    const m = fitGbt(train, trainY(fx.cases.binary), { ...options, loss: 'log_loss', maxIter: 3 });
    const doc = JSON.parse(gbtToJson(m)) as Record<string, unknown>;
    expect(doc).toMatchObject({ format: 'tideflow.gbt', version: 3 });
    expect((doc['knownCategories'] as unknown[]).map((k) => k !== null)).toEqual([false, false, true, true]);
    const t0 = m.trees[0];
    expect(t0?.gain[0]).toBeGreaterThan(0);
    expect(t0?.gain.filter((_, k) => (t0.feature[k] as number) < 0).every((g) => g === 0)).toBe(true);
    const back = gbtFromJson(gbtToJson(m));
    expect(Array.from(gbtProba(back, test))).toEqual(Array.from(gbtProba(m, test)));
    // A version-1 document (thresholds only; NaN goes right) reads as version 3 with the same predictions.
    const v1 = {
      format: 'tideflow.gbt',
      version: 1,
      loss: 'squared_error',
      numFeatures: 1,
      baseline: 1,
      trees: [{ feature: [0, -1, -1], threshold: [2.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -1, 1] }],
    };
    const up = gbtFromJson(JSON.stringify(v1));
    expect(up.version).toBe(3);
    expect(Array.from(gbtRaw(up, { data: Float64Array.from([1, 3, NaN]), rows: 3, cols: 1 }))).toEqual([0, 2, 2]);
    expect(() => gbtModelFromJson({ ...doc, knownCategories: [null] })).toThrow(/knownCategories has 1 entries for 4 features/);
  });

  it('refuses codes that are not category codes, more than maxBins categories and bad weights, by name', () => {
    const x: Matrix = { data: Float64Array.from([0, 1, 2.5, 1]), rows: 4, cols: 1, categorical: [true] };
    expect(() => fitGbt(x, [0, 1, 0, 1], { loss: 'log_loss' })).toThrow(/categorical feature column 0 holds 2.5 at row 2/);
    const many: Matrix = { data: Float64Array.from({ length: 40 }, (_, i) => i), rows: 40, cols: 1, categorical: [true] };
    expect(() =>
      fitGbt(
        many,
        Float64Array.from({ length: 40 }, (_, i) => i % 2),
        { loss: 'log_loss', maxBins: 32 },
      ),
    ).toThrow(/integers in 0..31/);
    const ok: Matrix = { data: Float64Array.from([0, 1, 0, 1]), rows: 4, cols: 1 };
    expect(() => fitGbt(ok, [0, 1, 0, 1], { loss: 'log_loss', sampleWeight: [1, -1, 1, 1] })).toThrow(/sample weight -1 at row 1/);
    expect(() => fitGbt(ok, [0, 1, 0, 1], { loss: 'log_loss', sampleWeight: [1, 1] })).toThrow(/4 rows but 2 sample weights/);
    expect(() => classWeightsToSampleWeights([0, 1], 2, { yes: 2 }, ['no', 'maybe'])).toThrow(/names class 'yes'/);
    expect(Array.from(classWeightsToSampleWeights([0, 1, 1], 2, { maybe: 3 }, ['no', 'maybe'], [2, 1, 0.5]))).toEqual([2, 3, 1.5]);
  });

  it('a missing value goes to the side learned in training; without missing values in training, to the larger child', () => {
    // NaN rows have the high target: the split must send them with the high values (left here: x ≤ 1.5 is high).
    const x: Matrix = { data: Float64Array.from([0, 1, 2, 3, NaN, NaN]), rows: 6, cols: 1 };
    const o: GbtOptions = { loss: 'squared_error', maxIter: 1, learningRate: 1, maxLeafNodes: 2, minSamplesLeaf: 1 };
    const m = fitGbt(x, [5, 5, 0, 0, 5, 5], o);
    expect(Array.from(gbtRaw(m, { data: Float64Array.from([NaN, 0.5, 2.5]), rows: 3, cols: 1 }), round6)).toEqual([5, 5, 0]);
    const noMissing = fitGbt({ data: Float64Array.from([0, 1, 2, 3, 4, 5]), rows: 6, cols: 1 }, [1, 1, 1, 1, 0, 0], o);
    expect(Array.from(gbtRaw(noMissing, { data: Float64Array.from([NaN]), rows: 1, cols: 1 }), round6)).toEqual([1]);
  });
});
