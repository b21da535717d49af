/**
 * K-class gradient boosting (softmax, K trees per iteration): parity with scikit-learn's
 * HistGradientBoostingClassifier on a small exact fixture (fixtures/gen_gbt_multiclass.py), the
 * baseline, determinism, two-thread equality, and the version-2 JSON format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fitGbt,
  fitGbtMulticlass,
  fitGbtMulticlassAsync,
  gbtFromJson,
  gbtModelFromJson,
  gbtMulticlassProba,
  gbtMulticlassRaw,
  gbtToJson,
} from '../../ml/gbt/gradient-boosting';
import type { Matrix } from '../../ml/frame/matrix';
import { accuracy, argmaxRows } from '../../ml/metrics/classification';
import { createRng } from '../../ml/stats/random';

interface Fixture {
  sklearn: string;
  params: { max_iter: number; learning_rate: number; max_leaf_nodes: number; min_samples_leaf: number; l2_regularization: number };
  numClasses: number;
  x: number[];
  y: number[];
  rows: number;
  cols: number;
  trainRows: number;
  baseline: number[];
  testProba: number[];
}

const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'gbt-multiclass-sklearn.json'), 'utf8')) as Fixture;

function threeClasses(n: number, seed: number): { x: Matrix; y: Int32Array } {
  const r = createRng(seed);
  const data = new Float64Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) data[i * 3 + j] = r() * 2 - 1;
    const a = data[i * 3] as number;
    const b = data[i * 3 + 1] as number;
    y[i] = a + b > 0.5 ? 2 : a * b > 0 ? 1 : 0;
  }
  return { x: { data, rows: n, cols: 3 }, y };
}

describe('multiclass gradient boosting', () => {
  it(`equals scikit-learn ${fx.sklearn}'s HistGradientBoostingClassifier on a 4-class fixture (baseline to 1e-12, probabilities to 1e-10)`, () => {
    const { rows, cols, trainRows, params } = fx;
    const x: Matrix = { data: Float64Array.from(fx.x.slice(0, trainRows * cols)), rows: trainRows, cols };
    const test: Matrix = { data: Float64Array.from(fx.x.slice(trainRows * cols)), rows: rows - trainRows, cols };
    const m = fitGbtMulticlass(x, Int32Array.from(fx.y.slice(0, trainRows)), fx.numClasses, {
      maxIter: params.max_iter,
      learningRate: params.learning_rate,
      maxLeafNodes: params.max_leaf_nodes,
      minSamplesLeaf: params.min_samples_leaf,
      l2: params.l2_regularization,
    });
    fx.baseline.forEach((b, k) => expect(Math.abs((m.baseline[k] as number) - b)).toBeLessThan(1e-12));
    expect(m.trees).toHaveLength(params.max_iter);
    for (const it of m.trees) expect(it).toHaveLength(fx.numClasses);
    const p = gbtMulticlassProba(m, test);
    let maxDiff = 0;
    fx.testProba.forEach((q, i) => (maxDiff = Math.max(maxDiff, Math.abs((p[i] as number) - q))));
    // Gradients and hessians are float32 on both sides (as sklearn keeps them), so the fits agree to rounding;
    // a different split anywhere would show up as differences of order 1e-2.
    expect(maxDiff).toBeLessThan(1e-10);
  });

  it('baseline: the symmetric multinomial logit of the class priors (sums to zero)', () => {
    const x: Matrix = { data: Float64Array.from({ length: 100 }, (_, i) => i), rows: 100, cols: 1 };
    const y = Int32Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : i < 80 ? 1 : 2));
    const m = fitGbtMulticlass(x, y, 3, { maxIter: 1 });
    const logs = [0.5, 0.3, 0.2].map(Math.log);
    const mean = logs.reduce((s, v) => s + v, 0) / 3;
    logs.forEach((l, k) => expect(m.baseline[k]).toBeCloseTo(l - mean, 12));
    expect(m.baseline.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
  });

  it('learns a nonlinear 3-class rule; probabilities are a softmax of the raw scores', () => {
    const { x, y } = threeClasses(6000, 11);
    const m = fitGbtMulticlass(x, y, 3, { maxIter: 60, learningRate: 0.2 });
    const p = gbtMulticlassProba(m, x);
    expect(accuracy(y, argmaxRows(p, 3))).toBeGreaterThan(0.97);
    const raw = gbtMulticlassRaw(m, x);
    for (let i = 0; i < 50; i++) {
      const e = [0, 1, 2].map((c) => Math.exp(raw[i * 3 + c] as number));
      const s = e[0]! + e[1]! + e[2]!;
      for (let c = 0; c < 3; c++) expect(p[i * 3 + c]).toBeCloseTo(e[c]! / s, 12);
    }
  });

  it('is deterministic; two-thread histograms give exactly the one-thread model; the async fit matches and reports iterations', async () => {
    // Large enough that nodes above MIN_SHARED_ROWS really go to the second thread.
    const { x, y } = threeClasses(30_000, 12);
    const one = fitGbtMulticlass(x, y, 3, { maxIter: 6, threads: 1, seed: 4 });
    const two = fitGbtMulticlass(x, y, 3, { maxIter: 6, threads: 2, seed: 4 });
    expect(gbtToJson(two)).toBe(gbtToJson(one));
    const seen: number[] = [];
    const a = await fitGbtMulticlassAsync(x, y, 3, { maxIter: 6, seed: 4, onIteration: (i) => seen.push(i) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(gbtToJson(a)).toBe(gbtToJson(one));
  });

  it('early stopping holds out a validation part and stops when its loss stops improving', () => {
    // Pure noise: nothing generalises, so the validation loss stops improving quickly.
    const r = createRng(5);
    const n = 4000;
    const x: Matrix = { data: Float64Array.from({ length: n * 2 }, () => r()), rows: n, cols: 2 };
    const y = Int32Array.from({ length: n }, () => Math.floor(r() * 3));
    const options = { maxIter: 200, learningRate: 0.5, minSamplesLeaf: 2, earlyStopping: true, nIterNoChange: 5, seed: 1 };
    const m = fitGbtMulticlass(x, y, 3, options);
    // At least nIterNoChange iterations: the first check compares them with the baseline's score.
    expect(m.trees.length).toBeGreaterThanOrEqual(5);
    expect(m.trees.length).toBeLessThan(40);
    const again = fitGbtMulticlass(x, y, 3, options);
    expect(gbtToJson(again)).toBe(gbtToJson(m));
    // Binary and regression models accept it too.
    const yb = Int32Array.from(y, (v) => (v === 0 ? 1 : 0));
    expect(
      fitGbt(x, yb, { loss: 'log_loss', maxIter: 200, learningRate: 0.5, earlyStopping: true, nIterNoChange: 5 }).trees.length,
    ).toBeLessThan(60);
  });

  it('version-4 JSON round-trips; the binary reader points to gbtModelFromJson; malformed documents are refused by name', () => {
    const { x, y } = threeClasses(1500, 13);
    const m = fitGbtMulticlass(x, y, 3, { maxIter: 3 });
    const doc = JSON.parse(gbtToJson(m)) as Record<string, unknown>;
    expect(doc).toMatchObject({ format: 'tideflow.gbt', version: 4, loss: 'log_loss', numClasses: 3, numFeatures: 3 });
    const back = gbtModelFromJson(doc);
    if (back.version !== 4) throw new Error('expected version 4');
    expect(Array.from(gbtMulticlassProba(back, x))).toEqual(Array.from(gbtMulticlassProba(m, x)));
    expect(() => gbtFromJson(gbtToJson(m))).toThrow(/binary\/regression.*version 4.*gbtModelFromJson/);
    expect(() => gbtModelFromJson({ ...doc, version: 5 })).toThrow(/version 5 is not supported/);
    expect(() => gbtModelFromJson({ ...doc, format: 'other' })).toThrow(/not a tideflow.gbt model/);
    expect(() => gbtModelFromJson({ ...doc, baseline: [0, 0] })).toThrow(/2 baselines for 3 classes/);
    expect(() => gbtModelFromJson({ ...doc, trees: [m.trees[0]?.slice(0, 2)] })).toThrow(/iteration 0 has 2 trees for 3 classes/);
    expect(() => gbtModelFromJson({ ...doc, baseline: 1 })).toThrow(/malformed tideflow.gbt version-4 model: baseline/);
    // A version-3 (binary) document reads through both readers.
    const v1 = fitGbt(
      x,
      Int32Array.from(y, (v) => (v === 2 ? 1 : 0)),
      { loss: 'log_loss', maxIter: 2 },
    );
    expect(gbtModelFromJson(JSON.parse(gbtToJson(v1)))).toEqual(v1);
    expect(gbtFromJson(gbtToJson(v1))).toEqual(v1);
  });

  it('refuses labels outside the classes, a single class and fewer than 3 classes', () => {
    const x: Matrix = { data: Float64Array.from([1, 2, 3, 4]), rows: 4, cols: 1 };
    expect(() => fitGbtMulticlass(x, [0, 1, 3, 1], 3, {})).toThrow(/class index 3 at row 2 outside 0..2/);
    expect(() => fitGbtMulticlass(x, [2, 2, 2, 2], 3, {})).toThrow(/single class/);
    expect(() => fitGbtMulticlass(x, [0, 1, 0, 1], 2, {})).toThrow(/≥ 3 classes/);
  });
});
