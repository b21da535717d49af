/**
 * ROC-AUC with scikit-learn's definitions (`roc_auc_score`): the area under the ROC curve with
 * tied scores forming one diagonal step (equivalently, the Mann–Whitney U statistic with
 * mid-ranks), and for multiclass the unweighted mean of one-vs-rest AUCs
 * (`multi_class='ovr', average='macro'`).
 */
import { InputError } from '../../core/errors';
import { probaColumn } from './classification';

/** Binary ROC-AUC; yTrue is 0/1 (1 = positive), scores are higher-is-more-positive. */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = yTrue.length;
  if (scores.length !== n) throw new InputError(`length mismatch: ${n} labels, ${scores.length} scores`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const s = Float64Array.from(scores as ArrayLike<number>);
  for (let i = 0; i < n; i++) if (Number.isNaN(s[i])) throw new InputError(`score at row ${i} is NaN`);
  order.sort((a, b) => {
    const x = s[a] as number;
    const y = s[b] as number;
    return x < y ? -1 : x > y ? 1 : 0; // not x − y: ±Infinity scores would give NaN
  });
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && s[order[j + 1] as number] === s[order[i] as number]) j++;
    const midRank = (i + j) / 2 + 1; // 1-based mid-rank of the tie group i..j
    for (let t = i; t <= j; t++) {
      const y = yTrue[order[t] as number];
      if (y === 1) {
        nPos++;
        rankSumPos += midRank;
      } else if (y !== 0) throw new InputError(`binary ROC-AUC needs 0/1 labels, got ${String(y)}`);
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new InputError('ROC-AUC is undefined when only one class is present in yTrue');
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Macro one-vs-rest ROC-AUC; `proba` is row-major n × numClasses. Every class must occur in
 * yTrue (scikit-learn refuses otherwise).
 */
export function rocAucOvr(yTrue: ArrayLike<number>, proba: Float64Array, numClasses: number): number {
  const n = yTrue.length;
  if (proba.length !== n * numClasses) throw new InputError(`expected ${n}×${numClasses} scores, got ${proba.length}`);
  if (numClasses === 2) return rocAuc(yTrue, probaColumn(proba, 2, 1));
  let sum = 0;
  for (let c = 0; c < numClasses; c++) {
    const bin = new Uint8Array(n);
    for (let i = 0; i < n; i++) bin[i] = yTrue[i] === c ? 1 : 0;
    sum += rocAuc(bin, probaColumn(proba, numClasses, c));
  }
  return sum / numClasses;
}
