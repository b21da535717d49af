/**
 * Classification metrics with scikit-learn's definitions, on class indices 0..K-1:
 * `accuracy_score`, `f1_score(average='macro')` and `log_loss`.
 */
import { InputError } from '../../core/errors';

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** confusion[t][p]: rows of true class t predicted as class p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  checkSameLength(yTrue, yPred);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = m[yTrue[i] as number];
    const p = yPred[i] as number;
    if (!row || p < 0 || p >= numClasses) throw new InputError(`class index out of range at row ${i}`);
    row[p] = (row[p] ?? 0) + 1;
  }
  return m;
}

/**
 * Mean negative log-likelihood of the true class, as scikit-learn ≥ 1.5 computes it:
 * probabilities clipped to [eps, 1 - eps] (eps = float64 machine epsilon), no renormalization;
 * rows that do not sum to 1 are rejected. `proba` is row-major, n × numClasses.
 */
export function logLoss(yTrue: ArrayLike<number>, proba: Float64Array, numClasses: number): number {
  const n = yTrue.length;
  if (proba.length !== n * numClasses) throw new InputError(`expected ${n}×${numClasses} probabilities, got ${proba.length}`);
  if (n === 0) throw new InputError('log loss of no rows');
  const eps = Number.EPSILON;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < numClasses; c++) rowSum += proba[i * numClasses + c] as number;
    if (!(Math.abs(rowSum - 1) <= 1e-9)) throw new InputError(`probabilities of row ${i} sum to ${rowSum}, not 1`);
    const t = yTrue[i] as number;
    if (!(t >= 0 && t < numClasses)) throw new InputError(`class index out of range at row ${i}`);
    total -= Math.log(Math.min(1 - eps, Math.max(eps, proba[i * numClasses + t] as number)));
  }
  return total / n;
}

/** Index of the largest value of each row (the first on ties, as numpy's argmax). */
export function argmaxRows(proba: Float64Array, numClasses: number): Int32Array {
  const n = proba.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if ((proba[i * numClasses + c] as number) > (proba[i * numClasses + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/** Column `c` of a row-major n × k probability matrix: one class's probabilities. */
export function probaColumn(proba: Float64Array, k: number, c: number): Float64Array {
  const n = proba.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = proba[i * k + c] as number;
  return out;
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new InputError(`length mismatch: ${a.length} true labels, ${b.length} predictions`);
  if (a.length === 0) throw new InputError('metric of no rows');
}

/** Log loss from the positive-class probability of a binary problem (yTrue is 0/1). */
export function binaryLogLoss(yTrue: ArrayLike<number>, p1: ArrayLike<number>): number {
  const n = yTrue.length;
  if (p1.length !== n) throw new InputError(`length mismatch: ${n} labels, ${p1.length} probabilities`);
  const proba = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const p = p1[i] as number;
    proba[2 * i] = 1 - p;
    proba[2 * i + 1] = p;
  }
  return logLoss(yTrue, proba, 2);
}
