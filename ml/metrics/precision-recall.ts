/**
 * Precision, recall and F1 with scikit-learn's definitions (`precision_score`, `recall_score`,
 * `f1_score`), on class indices 0..K-1.
 *
 * - `average: 'binary'` scores class `posLabel` (default 1) only.
 * - `average: 'macro'` is the unweighted mean over the classes present in yTrue or yPred
 *   (scikit-learn's `labels=None`).
 * - `zeroDivision` is the value of a score whose denominator is 0 (precision of a class never
 *   predicted, recall of a class never true, F1 when 2TP + FP + FN = 0); scikit-learn's default
 *   `"warn"` behaves as 0.
 */
import { InputError } from '../../core/errors';
import { confusionMatrix } from './classification';

export type Average = 'binary' | 'macro';

export interface PrfOptions {
  average?: Average;
  posLabel?: number;
  zeroDivision?: 0 | 1;
  /** Number of classes; default max(label) + 1. */
  numClasses?: number;
}

export interface ClassCounts {
  tp: number;
  fp: number;
  fn: number;
}

export type PrfMetric = 'precision' | 'recall' | 'f1';

/** Per-class TP / FP / FN from the confusion matrix; `present` marks classes seen in yTrue or yPred. */
export function classCounts(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): { counts: ClassCounts[]; present: boolean[] } {
  const m = confusionMatrix(yTrue, yPred, numClasses);
  const counts: ClassCounts[] = [];
  const present: boolean[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = m[c]?.[c] ?? 0;
    let fn = 0;
    let fp = 0;
    for (let o = 0; o < numClasses; o++) {
      if (o === c) continue;
      fn += m[c]?.[o] ?? 0;
      fp += m[o]?.[c] ?? 0;
    }
    counts.push({ tp, fp, fn });
    present.push(tp + fp + fn > 0);
  }
  return { counts, present };
}

function ratio(num: number, den: number, zeroDivision: number): number {
  return den === 0 ? zeroDivision : num / den;
}

/** One class's score; F1 is the harmonic mean of its precision and recall (0 when both are 0). */
export function classScore(metric: PrfMetric, k: ClassCounts, zeroDivision: number): number {
  const p = ratio(k.tp, k.tp + k.fp, zeroDivision);
  const r = ratio(k.tp, k.tp + k.fn, zeroDivision);
  if (metric === 'precision') return p;
  if (metric === 'recall') return r;
  const den = p + r;
  return den === 0 ? 0 : (2 * p * r) / den;
}

function maxLabel(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i] as number);
  return m;
}

export function prfScore(metric: PrfMetric, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, o: PrfOptions = {}): number {
  const zd = o.zeroDivision ?? 0;
  const k = o.numClasses ?? Math.max(maxLabel(yTrue), maxLabel(yPred), o.posLabel ?? 1) + 1;
  const { counts, present } = classCounts(yTrue, yPred, k);
  if ((o.average ?? 'binary') === 'binary') {
    const pos = o.posLabel ?? 1;
    const c = counts[pos];
    if (!c) throw new InputError(`posLabel ${pos} outside 0..${k - 1}`);
    if (present.filter(Boolean).length > 2) throw new InputError("average 'binary' needs at most 2 classes; use 'macro'");
    return classScore(metric, c, zd);
  }
  let sum = 0;
  let n = 0;
  counts.forEach((c, i) => {
    if (!present[i]) return;
    sum += classScore(metric, c, zd);
    n++;
  });
  return n === 0 ? zd : sum / n;
}

export const precision = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, o: PrfOptions = {}): number =>
  prfScore('precision', yTrue, yPred, o);
export const recall = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, o: PrfOptions = {}): number =>
  prfScore('recall', yTrue, yPred, o);
export const f1 = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, o: PrfOptions = {}): number => prfScore('f1', yTrue, yPred, o);
