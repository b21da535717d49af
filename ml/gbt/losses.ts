/**
 * The losses of gradient boosting as scikit-learn's (half squared error, binary and multinomial
 * log loss), with optional sample weights: the intercept-only baseline, per-row gradients and
 * hessians (weighted: both multiplied by the row's weight), and the mean loss (weighted: the
 * weighted average) that early stopping scores.
 */
export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Intercept-only raw scores, as sklearn's `fit_intercept_only` of each loss (weighted averages with weights). */
export function baselineOf(y: ArrayLike<number>, numClasses: number, w: ArrayLike<number> | undefined): number[] {
  const n = y.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += w ? (w[i] as number) : 1;
  if (numClasses <= 2) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (y[i] as number) * (w ? (w[i] as number) : 1);
    mean /= total;
    if (numClasses === 0) return [mean];
    const eps = 10 * Number.EPSILON;
    const p = Math.min(1 - eps, Math.max(eps, mean));
    return [Math.log(p / (1 - p))];
  }
  // Symmetric multinomial logit of the clipped class priors: log p_k − mean_j log p_j.
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + (w ? (w[i] as number) : 1);
  const logs = Array.from(counts, (c) => Math.log(Math.min(1 - Number.EPSILON, Math.max(Number.EPSILON, c / total))));
  const meanLog = logs.reduce((s, v) => s + v, 0) / numClasses;
  return logs.map((l) => l - meanLog);
}

/**
 * Gradients and hessians at the current raw scores, column-major (column k of row i at k·n + i),
 * weighted when w is given, for squared error (numClasses 0) and K-class log loss (≥ 3); binary
 * log loss is binary-gradients.ts's `binaryGradients` (straight into the interleaved array, on both
 * threads). Stored in float32 as sklearn does (the rounding decides near-ties, e.g. the gradient
 * order of categories, so matching it keeps splits identical). Unweighted squared error keeps its
 * constant hessian of 1 (filled once by the caller).
 */
export function computeGradients(
  raw: Float64Array,
  y: ArrayLike<number>,
  n: number,
  numClasses: number,
  grad: Float32Array,
  hess: Float32Array,
  w: Float64Array | undefined,
): void {
  if (numClasses === 2) throw new Error('binary log-loss gradients are binaryGradients (binary-gradients.ts)');
  if (numClasses === 0) {
    if (w) for (let i = 0; i < n; i++) grad[i] = (w[i] as number) * ((raw[i] as number) - (y[i] as number));
    else for (let i = 0; i < n; i++) grad[i] = (raw[i] as number) - (y[i] as number);
  } else {
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) max = Math.max(max, raw[k * n + i] as number);
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += Math.exp((raw[k * n + i] as number) - max);
      const t = y[i] as number;
      const wi = w ? (w[i] as number) : 1;
      for (let k = 0; k < numClasses; k++) {
        const p = Math.exp((raw[k * n + i] as number) - max) / sum;
        grad[k * n + i] = wi * (p - (k === t ? 1 : 0));
        hess[k * n + i] = wi * p * (1 - p);
      }
    }
  }
}

/** Mean loss at raw scores (column-major, n rows): half squared error, binary or multinomial log loss; weighted average with weights. */
export function meanLoss(raw: Float64Array, y: ArrayLike<number>, n: number, numClasses: number, w?: ArrayLike<number>): number {
  let s = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i] as number;
    let l: number;
    if (numClasses === 0) l = 0.5 * ((raw[i] as number) - t) ** 2;
    else if (numClasses === 2) {
      const z = raw[i] as number;
      l = (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    } else {
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) max = Math.max(max, raw[k * n + i] as number);
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += Math.exp((raw[k * n + i] as number) - max);
      l = max + Math.log(sum) - (raw[t * n + i] as number);
    }
    const wi = w ? (w[i] as number) : 1;
    s += l * wi;
    total += wi;
  }
  return s / total;
}
