/**
 * Sample-weighted classification metrics with scikit-learn's definitions (`sample_weight=`):
 * accuracy Σw·[ŷ = y] / Σw; log loss Σw·(−log p_true) / Σw (clipped as `logLoss`); binary ROC-AUC
 * from the weighted ROC curve, i.e. Σ over (positive, negative) pairs of w⁺·w⁻·([s⁺ > s⁻] + ½[s⁺ = s⁻])
 * divided by W⁺·W⁻; multiclass the unweighted mean of weighted one-vs-rest AUCs. With all
 * weights 1 each equals its unweighted counterpart.
 */
import { probaColumn } from './classification';
import { InputError } from '../../core/errors';

function checkWeights(w: ArrayLike<number>, n: number): number {
  if (w.length !== n) throw new InputError(`${n} rows but ${w.length} sample weights`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i] as number;
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`sample weight ${v} at row ${i} is not a finite number ≥ 0`);
    total += v;
  }
  if (!(total > 0)) throw new InputError('the sample weights sum to 0');
  return total;
}

export function weightedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, w: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new InputError(`length mismatch: ${yTrue.length} true labels, ${yPred.length} predictions`);
  const total = checkWeights(w, yTrue.length);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits += w[i] as number;
  return hits / total;
}

/** `proba` row-major n × numClasses; rows must sum to 1. */
export function weightedLogLoss(yTrue: ArrayLike<number>, proba: Float64Array, numClasses: number, w: ArrayLike<number>): number {
  const n = yTrue.length;
  if (proba.length !== n * numClasses) throw new InputError(`expected ${n}×${numClasses} probabilities, got ${proba.length}`);
  const total = checkWeights(w, n);
  const eps = Number.EPSILON;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < numClasses; c++) rowSum += proba[i * numClasses + c] as number;
    if (!(Math.abs(rowSum - 1) <= 1e-9)) throw new InputError(`probabilities of row ${i} sum to ${rowSum}, not 1`);
    const t = yTrue[i] as number;
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses)) throw new InputError(`class index out of range at row ${i}`);
    sum -= (w[i] as number) * Math.log(Math.min(1 - eps, Math.max(eps, proba[i * numClasses + t] as number)));
  }
  return sum / total;
}

/** Binary ROC-AUC with sample weights; yTrue 0/1, higher scores more positive. */
export function weightedRocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>, w: ArrayLike<number>): number {
  const n = yTrue.length;
  if (scores.length !== n) throw new InputError(`length mismatch: ${n} labels, ${scores.length} scores`);
  checkWeights(w, n);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new InputError(`score at row ${i} is NaN`);
  order.sort((a, b) => {
    const x = scores[a] as number;
    const y = scores[b] as number;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  let negBelow = 0; // weight of negatives with a lower score
  let area = 0;
  let pos = 0;
  let i = 0;
  while (i < n) {
    let groupPos = 0;
    let groupNeg = 0;
    const s = scores[order[i] as number];
    let j = i;
    for (; j < n && scores[order[j] as number] === s; j++) {
      const r = order[j] as number;
      const y = yTrue[r];
      if (y === 1) groupPos += w[r] as number;
      else if (y === 0) groupNeg += w[r] as number;
      else throw new InputError(`binary ROC-AUC needs 0/1 labels, got ${String(y)}`);
    }
    area += groupPos * (negBelow + groupNeg / 2);
    negBelow += groupNeg;
    pos += groupPos;
    i = j;
  }
  if (!(pos > 0 && negBelow > 0)) throw new InputError('ROC-AUC is undefined when only one class has weight in yTrue');
  return area / (pos * negBelow);
}

/** Multiclass ROC-AUC with sample weights: unweighted mean over classes of one-vs-rest AUCs (sklearn's ovr / macro). */
export function weightedRocAucOvr(yTrue: ArrayLike<number>, proba: Float64Array, numClasses: number, w: ArrayLike<number>): number {
  let sum = 0;
  for (let c = 0; c < numClasses; c++) {
    const y = Uint8Array.from(yTrue as ArrayLike<number>, (t) => (t === c ? 1 : 0));
    sum += weightedRocAuc(y, probaColumn(proba, numClasses, c), w);
  }
  return sum / numClasses;
}
