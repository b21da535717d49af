/**
 * The report's computations (ml/metrics): sklearn 1.2.1 parity for precision_recall_curve, the
 * threshold table and permutation_importance (with sklearn's own shuffles injected: numpy's RNG
 * is not reproduced), and the models' own importances (GBT gain or split counts, linear
 * |coefficient| × std). Reference values: tests/ml/fixtures/gen_report_metrics.py.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../ml/frame/frame';
import { rocAuc } from '../../ml/metrics/auc';
import { columnStd, gbtGainImportance, linearCoefficientImportance } from '../../ml/metrics/importance';
import { toDense } from '../../ml/frame/matrix';
import { permutationImportance } from '../../ml/metrics/permutation-importance';
import { bestF1, downsampleThresholdCurve, precisionRecallCurve, thresholdCurve, thresholdTable } from '../../ml/metrics/threshold-curve';
import ref from './fixtures/report-metrics-sklearn.json';

const close = (a: readonly number[], b: readonly number[], digits = 12): void => {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(x, `index ${i}`).toBeCloseTo(b[i]!, digits));
};

describe('threshold curve (sklearn precision_recall_curve)', () => {
  const { yTrue, score } = ref.curve;

  it('equals precision_recall_curve: thresholds ascending, final point (1, 0), ties merged', () => {
    const c = precisionRecallCurve(yTrue, score);
    close(c.thresholds, ref.curve.thresholds);
    close(c.precision, ref.curve.precision);
    close(c.recall, ref.curve.recall);
    expect(new Set(score).size).toBeLessThan(score.length); // the fixture has ties
  });

  it('thresholdCurve: the same points with F1 and the predicted-positive count', () => {
    const pts = thresholdCurve(yTrue, score);
    close(
      pts.map((p) => p.precision),
      ref.curve.precision.slice(0, -1),
    );
    close(
      pts.map((p) => p.recall),
      ref.curve.recall.slice(0, -1),
    );
    for (const p of pts) {
      expect(p.f1).toBeCloseTo(p.precision + p.recall > 0 ? (2 * p.precision * p.recall) / (p.precision + p.recall) : 0, 14);
      expect(p.predictedPositive).toBe(score.filter((s) => s >= p.threshold).length);
    }
    const best = bestF1(pts)!;
    expect(Math.max(...pts.map((p) => p.f1))).toBe(best.f1);
    const d = downsampleThresholdCurve(pts, 10);
    expect(d).toHaveLength(10);
    expect([d[0], d[9]]).toEqual([pts[0], pts[pts.length - 1]]);
  });

  it('thresholdTable equals precision/recall/f1_score(zero_division=0) at each threshold', () => {
    const t = thresholdTable(
      yTrue,
      score,
      ref.curve.table.map((r) => r.threshold),
    );
    t.forEach((row, i) => {
      const want = ref.curve.table[i]!;
      expect(row.predictedPositive).toBe(want.predictedPositive);
      for (const k of ['precision', 'recall', 'f1'] as const) expect(row[k], `${k} at ${want.threshold}`).toBeCloseTo(want[k], 12);
    });
    // Nothing predicted positive: precision 0 (zero_division=0), recall 0.
    expect(thresholdTable([0, 1], [0.1, 0.2], [0.5])[0]).toEqual({ threshold: 0.5, precision: 0, recall: 0, f1: 0, predictedPositive: 0 });
  });

  it('refuses mismatched lengths, non-binary labels and NaN scores, naming the row', () => {
    expect(() => precisionRecallCurve([0, 1], [0.5])).toThrow('yTrue has 2 rows but scores has 1');
    expect(() => thresholdCurve([0, 2], [0.1, 0.2])).toThrow('yTrue[1] = 2');
    expect(() => thresholdTable([0, 1], [0.1, NaN])).toThrow('scores[1] is NaN');
  });
});

describe('permutation importance (sklearn permutation_importance)', () => {
  const P = ref.permutation;
  const names = ['x0', 'x1', 'x2', 'x3'];
  const frame: Frame = {
    rows: P.X.length,
    columns: [
      ...names.map((name, j) => ({ name, type: 'number' as const, values: Float64Array.from(P.X, (row) => row[j]!) })),
      { name: 'y', type: 'number', values: Float64Array.from(P.y) },
    ],
  };
  const score = (f: Frame): number => {
    const cols = names.map((n) => f.columns.find((c) => c.name === n)!.values as Float64Array);
    const p = Float64Array.from({ length: f.rows }, (_, i) => {
      const z = cols.reduce((s, c, j) => s + c[i]! * P.weights[j]!, P.intercept);
      return 1 / (1 + Math.exp(-z));
    });
    return rocAuc(f.columns.find((c) => c.name === 'y')!.values as Float64Array, p);
  };

  it("equals sklearn's importances exactly when given sklearn's shuffles", () => {
    const r = permutationImportance(frame, {
      columns: names,
      score,
      nRepeats: P.nRepeats,
      shuffle: (idx, repeat) => idx.set(P.permutations[repeat]!),
    });
    expect(r.baseline).toBeCloseTo(P.baseline, 14);
    expect(r.rows).toBe(frame.rows);
    r.features.forEach((f, j) => {
      close(f.drops, P.importances[j]!, 12);
      expect(f.mean).toBeCloseTo(P.mean[j]!, 12);
      expect(f.std).toBeCloseTo(P.std[j]!, 12);
    });
    // The unused feature (weight 0) never moves the score.
    expect(r.features[3]).toMatchObject({ mean: 0, std: 0 });
  });

  it('with its own seeded shuffles: deterministic, the same ranking as sklearn, the frame untouched', () => {
    const before = Float64Array.from(frame.columns[0]!.values as Float64Array);
    expect(score(frame)).toBeCloseTo(P.baseline, 14);
    const a = permutationImportance(frame, { columns: names, score, nRepeats: 20, seed: 3 });
    const b = permutationImportance(frame, { columns: names, score, nRepeats: 20, seed: 3 });
    expect(a).toEqual(b);
    expect(frame.columns[0]!.values).toEqual(before); // shuffles work on copies
    // Statistically, not exactly (other shuffles): x0 matters most, then x1; x2 (weight 0.05) and x3 (0) barely.
    const m = a.features.map((f) => f.mean);
    expect(m[0]).toBeGreaterThan(m[1]!);
    expect(m[1]).toBeGreaterThan(Math.abs(m[2]!) + 0.02);
    expect(m[3]).toBe(0);
    // sklearn's means lie within 4 standard errors of ours (20 repeats here, 4 there).
    for (const j of [0, 1]) expect(Math.abs(m[j]! - P.mean[j]!)).toBeLessThan(4 * (a.features[j]!.std / Math.sqrt(20) + P.std[j]! / 2));
  });

  it('maxSamples scores a seeded subset; string columns are shuffled too; bad input is named', () => {
    const withText: Frame = {
      rows: frame.rows,
      columns: [
        ...frame.columns,
        { name: 's', type: 'string', values: Array.from({ length: frame.rows }, (_, i) => (i % 2 ? 'a' : null)) },
      ],
    };
    const seen: number[] = [];
    const texts: string[] = [];
    const r = permutationImportance(withText, {
      columns: ['s', 'x0'],
      score: (f) => {
        seen.push(f.rows);
        texts.push((f.columns.find((c) => c.name === 's')!.values as (string | null)[]).map((v) => v ?? '-').join(''));
        return score(f);
      },
      maxSamples: 30,
      nRepeats: 2,
    });
    expect(r.rows).toBe(30);
    expect(new Set(seen)).toEqual(new Set([30]));
    expect(r.features.map((f) => f.name)).toEqual(['s', 'x0']);
    expect(r.features[0]).toMatchObject({ mean: 0, std: 0 });
    // The string column is reordered (not resampled): the same multiset of values, another order.
    const sorted = (t: string): string => [...t].sort().join('');
    expect(new Set(texts.map(sorted)).size).toBe(1);
    expect(texts[1]).not.toBe(texts[0]);
    expect(() => permutationImportance(frame, { columns: ['nope'], score })).toThrow("column 'nope' is not in the frame");
    expect(() => permutationImportance(frame, { columns: names, score, nRepeats: 0 })).toThrow('nRepeats must be an integer ≥ 1');
  });
});

describe("models' own importances", () => {
  const tree = (feature: number[], gain?: number[]): { feature: number[]; gain?: number[] } => ({ feature, ...(gain && { gain }) });

  it('GBT: total split gain per feature, normalised; trees without gains fall back to split counts', () => {
    const withGain = gbtGainImportance({
      numFeatures: 3,
      trees: [tree([0, -1, 2, -1, -1], [6, 0, 2, 0, 0]), tree([0, -1, -1], [4, 0, 0])],
    });
    expect(withGain.method).toBe('gain');
    close([...withGain.values], [10 / 12, 0, 2 / 12], 14);
    const counts = gbtGainImportance({ numFeatures: 3, trees: [tree([0, -1, 2, -1, -1]), tree([0, -1, -1], [4, 0, 0])] });
    expect(counts.method).toBe('split_count'); // one tree without gains: the whole model uses counts
    close([...counts.values], [2 / 3, 0, 1 / 3], 14);
    const multi = gbtGainImportance({ numFeatures: 2, trees: [[tree([1, -1, -1], [3, 0, 0]), tree([0, -1, -1], [1, 0, 0])]] });
    close([...multi.values], [0.25, 0.75], 14);
    expect(() => gbtGainImportance({ numFeatures: 1, trees: [tree([1, -1, -1])] })).toThrow('splits on feature 1, but the model has 1');
  });

  it('linear: |coefficient| × feature std (the coefficient on standardized features), mean over classes', () => {
    const x = { rows: 4, cols: 2, data: Float64Array.from([0, 10, 1, 20, 2, 30, 3, 40]) };
    const std = columnStd(x);
    close([...std], [Math.sqrt(1.25), Math.sqrt(125)], 14);
    // Feature 1 has a 10× smaller weight but a 10× larger spread: equal importance.
    const imp = linearCoefficientImportance([2, -0.2], 2, [1, 10]);
    expect(imp.method).toBe('abs_coefficient');
    close([...imp.values], [0.5, 0.5], 14);
    const multi = linearCoefficientImportance([1, 0, 0, 3], 2, [1, 1]);
    close([...multi.values], [0.25, 0.75], 14);
    expect(() => linearCoefficientImportance([1, 2, 3], 2, [1, 1])).toThrow('not a whole number of rows');
  });
});

describe('columnStd on one-hot blocks', () => {
  it('equals the dense columns’ population std without densifying', () => {
    // 5 rows: one dense column, then a 3-wide one-hot block (row 4 has no category).
    const m = {
      rows: 5,
      cols: 4,
      data: Float64Array.from([1, 2, 3, 4, 5]),
      onehot: [{ offset: 1, width: 3, index: Int32Array.from([0, 1, 1, 2, -1]) }],
    };
    const sparse = columnStd(m);
    const dense = columnStd(toDense(m));
    for (let j = 0; j < 4; j++) expect(sparse[j]).toBeCloseTo(dense[j] as number, 12);
    expect(sparse[2]).toBeCloseTo(Math.sqrt(0.4 * 0.6), 12);
  });
});
