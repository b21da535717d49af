import { InputError } from '../../core/errors';
/**
 * Precision, recall and F1 as the decision threshold of a binary classifier moves.
 *
 * `precisionRecallCurve` is scikit-learn 1.2.1's `precision_recall_curve(y_true, probas_pred)`:
 * one threshold per distinct score, ascending; `precision` and `recall` have one more entry than
 * `thresholds` (the final point precision 1, recall 0); precision is 0 where nothing is predicted
 * positive; recall is 1 everywhere when y_true has no positive. A row is predicted positive when
 * its score is ≥ the threshold.
 *
 * `thresholdCurve` adds F1 (2PR / (P + R), 0 when both are 0) and the predicted-positive count to
 * each threshold; `thresholdTable` gives exact values at chosen thresholds (0.1 … 0.9 by default).
 */

export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

export interface ThresholdPoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Rows with score ≥ threshold. */
  predictedPositive: number;
}

function check(yTrue: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (yTrue.length !== scores.length) throw new InputError(`yTrue has ${yTrue.length} rows but scores has ${scores.length}`);
  if (yTrue.length === 0) throw new InputError('a threshold curve needs at least one row');
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 0 && yTrue[i] !== 1) throw new InputError(`yTrue[${i}] = ${yTrue[i]}: binary labels must be 0 or 1`);
    if (Number.isNaN(scores[i])) throw new InputError(`scores[${i}] is NaN`);
  }
}

/** sklearn's _binary_clf_curve: cumulative TP/FP at each distinct score, scores descending. */
function binaryCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): { tps: number[]; fps: number[]; thresholds: number[] } {
  check(yTrue, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    tp += yTrue[i] as number;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(scores[i] as number);
    }
  }
  return { tps, fps, thresholds };
}

export function precisionRecallCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  const { tps, fps, thresholds } = binaryCurve(yTrue, scores);
  const positives = tps[tps.length - 1] ?? 0;
  const precision = tps.map((t, k) => (t + (fps[k] ?? 0) > 0 ? t / (t + (fps[k] ?? 0)) : 0));
  const recall = tps.map((t) => (positives === 0 ? 1 : t / positives));
  return { precision: [...precision.reverse(), 1], recall: [...recall.reverse(), 0], thresholds: thresholds.reverse() };
}

const f1 = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** One point per distinct score (ascending threshold) with precision, recall, F1 and the rows predicted positive. */
export function thresholdCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): ThresholdPoint[] {
  const { tps, fps, thresholds } = binaryCurve(yTrue, scores);
  const positives = tps[tps.length - 1] ?? 0;
  const out = thresholds.map((threshold, k) => {
    const [tp, fp] = [tps[k] ?? 0, fps[k] ?? 0];
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = positives === 0 ? 1 : tp / positives;
    return { threshold, precision, recall, f1: f1(precision, recall), predictedPositive: tp + fp };
  });
  return out.reverse();
}

export const DEFAULT_TABLE_THRESHOLDS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * Exact precision/recall/F1 at each given threshold (score ≥ t is positive); precision is 0 when
 * nothing is predicted positive (sklearn's zero_division=0).
 */
export function thresholdTable(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  thresholds: readonly number[] = DEFAULT_TABLE_THRESHOLDS,
): ThresholdPoint[] {
  check(yTrue, scores);
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) positives += yTrue[i] as number;
  return thresholds.map((t) => {
    let tp = 0;
    let pp = 0;
    for (let i = 0; i < scores.length; i++)
      if ((scores[i] as number) >= t) {
        pp++;
        tp += yTrue[i] as number;
      }
    const precision = pp > 0 ? tp / pp : 0;
    const recall = positives === 0 ? 1 : tp / positives;
    return { threshold: t, precision, recall, f1: f1(precision, recall), predictedPositive: pp };
  });
}

/** The point of highest F1 (the lowest threshold among ties). */
export function bestF1(curve: readonly ThresholdPoint[]): ThresholdPoint | undefined {
  return curve.reduce<ThresholdPoint | undefined>((b, p) => (b === undefined || p.f1 > b.f1 ? p : b), undefined);
}

/** At most `max` points, evenly spaced along the curve, both ends kept (for drawing). */
export function downsampleThresholdCurve(curve: readonly ThresholdPoint[], max = 300): ThresholdPoint[] {
  if (curve.length <= max) return [...curve];
  return Array.from({ length: max }, (_, k) => curve[Math.round((k * (curve.length - 1)) / (max - 1))] as ThresholdPoint);
}
