/**
 * k-fold cross-validation through callbacks: folds (plain and stratified), the preparation is
 * called once per fold on disjoint train/held-out rows (so a pipeline fitted in it never sees
 * held-out rows), per-fold metrics equal a direct evaluation, and the best-trial choice.
 */
import { describe, expect, it } from 'vitest';
import { bestTrial, crossValidate, foldsFor, kFolds, stratifiedFoldIds, type FoldData } from '../../ml/model-selection/cross-validation';
import { fitEstimator, predictEstimator } from '../../ml/estimators';
import { evaluateClassification } from '../../ml/metrics/evaluation';
import type { Matrix } from '../../ml/frame/matrix';
import { createRng } from '../../ml/stats/random';

const N = 600;
const r = createRng(21);
const raw = Float64Array.from({ length: N * 2 }, () => r() * 10 + 5);
const yBin = Int32Array.from({ length: N }, (_, i) =>
  (raw[2 * i] as number) + 0.5 * (raw[2 * i + 1] as number) + 3 * (r() - 0.5) > 12.5 ? 1 : 0,
);
const yReg = Float64Array.from({ length: N }, (_, i) => 2 * (raw[2 * i] as number) - (raw[2 * i + 1] as number) + r());

/** Standardises with the training rows' statistics only, as a feature pipeline would. */
function prepareWith<Y extends Float64Array | Int32Array>(y: Y, log: Array<{ train: Int32Array; held: Int32Array }>) {
  return (trainIdx: Int32Array, heldIdx: Int32Array): FoldData => {
    log.push({ train: trainIdx, held: heldIdx });
    const mean = [0, 0];
    for (const i of trainIdx) for (let j = 0; j < 2; j++) mean[j] = (mean[j] as number) + (raw[2 * i + j] as number) / trainIdx.length;
    const take = (idx: Int32Array): Matrix => ({
      rows: idx.length,
      cols: 2,
      data: Float64Array.from(
        { length: idx.length * 2 },
        (_, k) => (raw[2 * (idx[k >> 1] as number) + (k & 1)] as number) - (mean[k & 1] as number),
      ),
    });
    const pick = (idx: Int32Array) =>
      y instanceof Int32Array ? Int32Array.from(idx, (i) => y[i] as number) : Float64Array.from(idx, (i) => y[i] as number);
    return { xTrain: take(trainIdx), yTrain: pick(trainIdx), xHeld: take(heldIdx), yHeld: pick(heldIdx) };
  };
}

describe('folds', () => {
  it('kFolds: seeded, every row in one fold, sizes differ by at most one', () => {
    const f = kFolds(103, 5, 7);
    expect(Array.from(kFolds(103, 5, 7))).toEqual(Array.from(f));
    expect(Array.from(kFolds(103, 5, 8))).not.toEqual(Array.from(f));
    const sizes = [0, 0, 0, 0, 0];
    for (const v of f) sizes[v] = (sizes[v] as number) + 1;
    expect(sizes.sort()).toEqual([20, 20, 21, 21, 21]);
    expect(Array.from(f.slice(0, 10))).not.toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]); // shuffled, not dealt in row order
    expect(() => kFolds(3, 5, 0)).toThrow(/cannot make 5 folds of 3 rows/);
    expect(() => kFolds(30, 1, 0)).toThrow(/folds must be an integer ≥ 2/);
  });

  it('stratified fold ids keep the class mix in every fold; foldsFor picks by task', () => {
    const y = Int32Array.from({ length: 500 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const f = stratifiedFoldIds(y, 5, 3);
    for (let k = 0; k < 5; k++) expect(Array.from(y).filter((v, i) => f[i] === k && v === 1).length).toBe(10);
    expect(Array.from(foldsFor('binary', y, 5, 3))).toEqual(Array.from(f));
    expect(Array.from(foldsFor('regression', yReg, 4, 3))).toEqual(Array.from(kFolds(N, 4, 3)));
  });
});

describe('crossValidate', () => {
  it('classification: one preparation per fold on disjoint rows; per-fold metrics equal a direct evaluation', async () => {
    const log: Array<{ train: Int32Array; held: Int32Array }> = [];
    const folds = stratifiedFoldIds(yBin, 4, 1);
    const fit = (x: Matrix, y: Float64Array | Int32Array) =>
      fitEstimator({ kind: 'logistic_regression', task: 'binary', x, y, numClasses: 2 });
    const progress: number[] = [];
    const res = await crossValidate({
      rows: N,
      folds,
      task: 'binary',
      metric: 'roc_auc',
      prepare: prepareWith(yBin, log),
      fit,
      onFold: (f) => progress.push(f),
    });
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(log).toHaveLength(4);
    const heldCount = new Int32Array(N);
    log.forEach(({ train, held }, f) => {
      const inHeld = new Set(held);
      expect(train.length + held.length).toBe(N);
      for (const i of train) expect(inHeld.has(i)).toBe(false);
      for (const i of held) {
        expect(folds[i]).toBe(f);
        heldCount[i] = (heldCount[i] as number) + 1;
      }
    });
    expect(heldCount.every((c) => c === 1)).toBe(true);
    // Fold 2 recomputed by hand.
    const d = prepareWith(yBin, [])(log[2]!.train, log[2]!.held);
    const est = await fit(d.xTrain, d.yTrain);
    const ev = evaluateClassification(d.yHeld, predictEstimator(est, d.xHeld).proba as Float64Array, 2, ['0', '1']);
    expect(res.perFold[2]).toBe(ev.rocAuc);
    expect(res.allMetrics.log_loss?.perFold[2]).toBe(ev.logLoss);
    expect(res.allMetrics.accuracy?.perFold[2]).toBe(ev.accuracy);
    const mean = res.perFold.reduce((s, v) => s + v, 0) / 4;
    expect(res.mean).toBeCloseTo(mean, 14);
    expect(res.std).toBeCloseTo(Math.sqrt(res.perFold.reduce((s, v) => s + (v - mean) ** 2, 0) / 4), 14);
    expect(res).toMatchObject({ metric: 'roc_auc', higherIsBetter: true });
    expect(res.mean).toBeGreaterThan(0.8);
    expect(Object.keys(res.allMetrics).sort()).toEqual(['accuracy', 'f1', 'log_loss', 'macro_f1', 'precision', 'recall', 'roc_auc']);
  });

  it('regression with linear regression on plain k-fold: rmse (lower is better), mae, r2', async () => {
    const res = await crossValidate({
      rows: N,
      folds: kFolds(N, 3, 2),
      task: 'regression',
      metric: 'rmse',
      prepare: prepareWith(yReg, []),
      fit: (x, y) => fitEstimator({ kind: 'linear_regression', task: 'regression', x, y, hyperparams: { alpha: 0 } }),
    });
    expect(res.higherIsBetter).toBe(false);
    expect(res.perFold).toHaveLength(3);
    expect(res.mean).toBeGreaterThan(0.2);
    expect(res.mean).toBeLessThan(0.4); // the noise is uniform on [0, 1): std 0.289
    expect(res.allMetrics.r2?.mean).toBeGreaterThan(0.99);
    expect(Object.keys(res.allMetrics).sort()).toEqual(['mae', 'r2', 'rmse']);
  });

  it('refuses a metric of another task, bad fold ids, and a selection metric undefined on a fold', async () => {
    const base = {
      rows: N,
      task: 'binary' as const,
      prepare: prepareWith(yBin, []),
      fit: (x: Matrix, y: Float64Array | Int32Array) =>
        fitEstimator({ kind: 'gbt', task: 'binary', x, y, numClasses: 2, hyperparams: { maxIter: 3 } }),
    };
    await expect(crossValidate({ ...base, folds: kFolds(N, 3, 0), metric: 'rmse' })).rejects.toThrow(
      /'rmse' does not apply to a binary task/,
    );
    await expect(crossValidate({ ...base, folds: new Int32Array(N), metric: 'accuracy' })).rejects.toThrow(/at least 2 folds/);
    await expect(
      crossValidate({ ...base, folds: Int32Array.from({ length: N }, (_, i) => (i % 2) * 2), metric: 'accuracy' }),
    ).rejects.toThrow(/fold 1 has no rows/);
    await expect(crossValidate({ ...base, folds: new Int32Array(5), metric: 'accuracy' })).rejects.toThrow(/5 fold ids for 600 rows/);
    // Fold 1 holds only negatives: its ROC-AUC is undefined.
    const negatives = Array.from(yBin)
      .map((v, i) => (v === 0 ? i : -1))
      .filter((i) => i >= 0)
      .slice(0, 50);
    const folds = Int32Array.from({ length: N }, (_, i) => (i % 2) * 2);
    for (const i of negatives) folds[i] = 1;
    await expect(crossValidate({ ...base, folds, metric: 'roc_auc' })).rejects.toThrow(/metric 'roc_auc' is undefined on fold 1/);
    const ok = await crossValidate({ ...base, folds, metric: 'accuracy' });
    expect(ok.allMetrics.roc_auc).toBeUndefined();
    expect(ok.allMetrics.accuracy).toBeDefined();
  });

  it('stops between folds when aborted', async () => {
    const ac = new AbortController();
    const run = crossValidate({
      rows: N,
      folds: kFolds(N, 3, 0),
      task: 'binary',
      metric: 'accuracy',
      prepare: prepareWith(yBin, []),
      signal: ac.signal,
      fit: (x, y) => fitEstimator({ kind: 'logistic_regression', task: 'binary', x, y, numClasses: 2 }),
      onFold: (f) => f === 1 && ac.abort(new Error('trial cancelled')),
    });
    await expect(run).rejects.toThrow('trial cancelled');
  });
});

describe('bestTrial', () => {
  it('follows the metric’s direction; ties go to the lower index; non-finite means are skipped', () => {
    const trials = [
      { index: 2, mean: 0.8 },
      { index: 0, mean: 0.7 },
      { index: 1, mean: 0.8 },
      { index: 3, mean: NaN },
    ];
    expect(bestTrial(trials, 'roc_auc').index).toBe(1);
    expect(bestTrial(trials, 'log_loss').index).toBe(0);
    expect(() => bestTrial([{ index: 0, mean: NaN }], 'rmse')).toThrow(/no trial has a finite rmse/);
  });
});
