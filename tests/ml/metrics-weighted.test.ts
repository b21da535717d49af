/** Sample-weighted metrics = scikit-learn 1.2.1 with sample_weight (fixtures/gen_weighted_metrics.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, logLoss } from '../../ml/metrics/classification';
import { rocAuc } from '../../ml/metrics/auc';
import { weightedAccuracy, weightedLogLoss, weightedRocAuc, weightedRocAucOvr } from '../../ml/metrics/weighted';

interface Case {
  k: number;
  y: number[];
  proba: number[];
  w: number[];
  accuracy: number;
  logLoss: number;
  auc: number;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/metrics-weighted-sklearn.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

describe(`weighted metrics = scikit-learn ${fx.sklearn} (sample_weight)`, () => {
  fx.cases.forEach((c, i) => {
    it(`case ${i}: ${c.y.length} rows, ${c.k} classes`, () => {
      const proba = Float64Array.from(c.proba);
      const pred = argmaxRows(proba, c.k);
      expect(weightedAccuracy(c.y, pred, c.w)).toBeCloseTo(c.accuracy, 12);
      expect(weightedLogLoss(c.y, proba, c.k, c.w)).toBeCloseTo(c.logLoss, 12);
      const auc =
        c.k === 2
          ? weightedRocAuc(
              c.y,
              proba.filter((_, j) => j % 2 === 1),
              c.w,
            )
          : weightedRocAucOvr(c.y, proba, c.k, c.w);
      expect(auc).toBeCloseTo(c.auc, 12);
    });
  });

  it('with unit weights equals the unweighted metrics', () => {
    const c = fx.cases[1] as Case;
    const proba = Float64Array.from(c.proba);
    const ones = new Float64Array(c.y.length).fill(1);
    const p1 = proba.filter((_, j) => j % 2 === 1);
    expect(weightedRocAuc(c.y, p1, ones)).toBeCloseTo(rocAuc(c.y, p1), 14);
    expect(weightedLogLoss(c.y, proba, 2, ones)).toBeCloseTo(logLoss(c.y, proba, 2), 14);
    expect(weightedAccuracy(c.y, argmaxRows(proba, 2), ones)).toBe(accuracy(c.y, argmaxRows(proba, 2)));
  });

  it('refuses weights of the wrong length, negative or all zero', () => {
    expect(() => weightedAccuracy([0, 1], [0, 1], [1])).toThrow(/2 rows but 1 sample weights/);
    expect(() => weightedAccuracy([0, 1], [0, 1], [1, -2])).toThrow(/sample weight -2 at row 1/);
    expect(() => weightedRocAuc([0, 1], [0.1, 0.2], [0, 0])).toThrow(/sum to 0/);
  });
});
