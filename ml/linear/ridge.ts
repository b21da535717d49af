/**
 * Linear and ridge regression in closed form: the normal equations (XcᵀSXc + αI)·w = XcᵀSyc on
 * data centred at the (weighted) means, S the sample weights (1 without them), solved by
 * Cholesky; intercept = ȳ − x̄·w (not penalised). The normal equations are built from one-hot
 * blocks directly (never densified), so their cost per row grows with the number of blocks. α is scikit-learn's
 * `Ridge(alpha=…)` (a penalty on the sum, not the mean, of squared errors); α = 0 is ordinary
 * least squares (`LinearRegression`) and needs XᵀX to be positive definite.
 *
 * Serialised form (`ridgeToJson`), version 1:
 *   { "format": "tideflow.linear-regression", "version": 1, "numFeatures": d, "alpha": α,
 *     "weights": number[d], "intercept": number }
 */
import { z } from 'zod';
import type { Matrix } from '../frame/matrix';
import { type Design, checkSampleWeight, designOf, linearScores } from './design';
import { InputError } from '../../core/errors';

export interface RidgeModel {
  numFeatures: number;
  alpha: number;
  weights: Float64Array;
  intercept: number;
}

/** Solves A·x = b in place for symmetric positive-definite A (d × d row-major); returns x. */
export function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * d + k] as number) * (l[j * d + k] as number);
      if (i === j) {
        if (!(s > 1e-12 * Math.abs(a[i * d + i] as number)))
          throw new InputError(`matrix is not positive definite at column ${i} (collinear or constant feature? use alpha > 0)`);
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / (l[j * d + j] as number);
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * d + k] as number) * (z[k] as number);
    z[i] = s / (l[i * d + i] as number);
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < d; k++) s -= (l[k * d + i] as number) * (x[k] as number);
    x[i] = s / (l[i * d + i] as number);
  }
  return x;
}

/**
 * Σ s_i·(x_i − x̄)(x_i − x̄)ᵀ (lower triangle, full column order) and Σ s_i·(x_i − x̄)(y_i − ȳ),
 * with weighted means. Dense columns are centred row by row; a one-hot column q with weighted
 * count c_q (mean p_q = c_q / S) enters in closed form: cross terms with a centred dense column are
 * Σ_{rows in q} s·r − p_q·Σ s·r, between one-hot columns C_qq' − c_q·c_q' / S (C: weighted
 * co-occurrence counts). No row is ever densified.
 */
function normalEquations(d: Design, y: ArrayLike<number>, sw: Float64Array | null) {
  const { rows: n, cols: D, data, dc, denseCol, blockOff, blockIdx } = d;
  const nb = blockIdx.length;
  let total = 0;
  let yMean = 0;
  const denseMean = new Float64Array(dc);
  const count = new Float64Array(D); // weighted count per one-hot column
  for (let i = 0; i < n; i++) {
    const s = sw === null ? 1 : (sw[i] as number);
    const t = y[i] as number;
    if (!Number.isFinite(t)) throw new InputError(`non-finite target at row ${i}`);
    total += s;
    yMean += s * t;
    for (let j = 0; j < dc; j++) {
      const v = data[i * dc + j] as number;
      if (!Number.isFinite(v)) throw new InputError(`non-finite feature value at row ${i}, column ${denseCol[j]}`);
      denseMean[j] = (denseMean[j] as number) + s * v;
    }
    for (let b = 0; b < nb; b++) {
      const v = (blockIdx[b] as Int32Array)[i] as number;
      if (v >= 0) count[(blockOff[b] as number) + v] = (count[(blockOff[b] as number) + v] as number) + s;
    }
  }
  yMean /= total;
  for (let j = 0; j < dc; j++) denseMean[j] = (denseMean[j] as number) / total;
  const xtx = new Float64Array(D * D);
  const xty = new Float64Array(D);
  const row = new Float64Array(dc);
  const denseSum = new Float64Array(dc); // Σ s·(x − x̄): 0 but for rounding, kept for exactness
  let ySum = 0; // likewise Σ s·(y − ȳ)
  const at = (a: number, b: number): number => (a >= b ? a * D + b : b * D + a);
  for (let i = 0; i < n; i++) {
    const s = sw === null ? 1 : (sw[i] as number);
    for (let j = 0; j < dc; j++) row[j] = (data[i * dc + j] as number) - (denseMean[j] as number);
    const t = (y[i] as number) - yMean;
    const st = s * t;
    ySum += st;
    for (let j = 0; j < dc; j++) {
      const rj = row[j] as number;
      const srj = s * rj;
      const cj = denseCol[j] as number;
      denseSum[j] = (denseSum[j] as number) + srj;
      xty[cj] = (xty[cj] as number) + srj * t;
      for (let k = 0; k <= j; k++) {
        const q = at(cj, denseCol[k] as number);
        xtx[q] = (xtx[q] as number) + srj * (row[k] as number);
      }
    }
    for (let b = 0; b < nb; b++) {
      const v = (blockIdx[b] as Int32Array)[i] as number;
      if (v < 0) continue;
      const q = (blockOff[b] as number) + v;
      xty[q] = (xty[q] as number) + st;
      for (let j = 0; j < dc; j++) {
        const r = at(q, denseCol[j] as number);
        xtx[r] = (xtx[r] as number) + s * (row[j] as number);
      }
      for (let b2 = 0; b2 <= b; b2++) {
        const v2 = (blockIdx[b2] as Int32Array)[i] as number;
        if (v2 < 0) continue;
        const r = at(q, (blockOff[b2] as number) + v2);
        xtx[r] = (xtx[r] as number) + s;
      }
    }
  }
  // Centre the one-hot columns: subtract p_q·(the column sums) from their cross terms.
  const mean = new Float64Array(D);
  for (let j = 0; j < dc; j++) mean[denseCol[j] as number] = denseMean[j] as number;
  const isOnehot = new Uint8Array(D);
  for (let b = 0; b < nb; b++) {
    const off = blockOff[b] as number;
    for (let q = off; q < off + (d.blockWidth[b] as number); q++) {
      isOnehot[q] = 1;
      mean[q] = (count[q] as number) / total;
    }
  }
  for (let q = 0; q < D; q++) {
    if (!isOnehot[q]) continue;
    const p = mean[q] as number;
    xty[q] = (xty[q] as number) - p * ySum;
    for (let j = 0; j < dc; j++) {
      const r = at(q, denseCol[j] as number);
      xtx[r] = (xtx[r] as number) - p * (denseSum[j] as number);
    }
    for (let q2 = 0; q2 <= q; q2++) {
      if (!isOnehot[q2]) continue;
      xtx[q * D + q2] = (xtx[q * D + q2] as number) - ((count[q] as number) * (count[q2] as number)) / total;
    }
  }
  return { xtx, xty, mean, yMean };
}

export function fitRidge(x: Matrix, y: ArrayLike<number>, alpha = 0, sampleWeight?: ArrayLike<number>): RidgeModel {
  const d = designOf(x);
  const n = d.rows;
  const D = d.cols;
  if (n === 0) throw new InputError('no training rows');
  if (y.length !== n) throw new InputError(`${n} rows but ${y.length} targets`);
  if (!(alpha >= 0)) throw new InputError(`alpha must be ≥ 0, got ${alpha}`);
  const sw = checkSampleWeight(sampleWeight, n);
  const { xtx, xty, mean, yMean } = normalEquations(d, y, sw);
  for (let j = 0; j < D; j++) {
    xtx[j * D + j] = (xtx[j * D + j] as number) + alpha;
    for (let k = 0; k < j; k++) xtx[k * D + j] = xtx[j * D + k] as number;
  }
  const weights = choleskySolve(xtx, xty, D);
  let intercept = yMean;
  for (let j = 0; j < D; j++) intercept -= (mean[j] as number) * (weights[j] as number);
  return { numFeatures: D, alpha, weights, intercept };
}

export function ridgePredict(m: RidgeModel, x: Matrix): Float64Array {
  if (x.cols !== m.numFeatures) throw new InputError(`model expects ${m.numFeatures} features, got ${x.cols}`);
  return linearScores(designOf(x), m.weights, Float64Array.of(m.intercept), 1);
}

/** The stored model, `tideflow.linear-regression` version 1; the estimator envelope (estimators/json.ts) checks it with this schema. */
export const ridgeJsonSchema = z.object({
  format: z.literal('tideflow.linear-regression'),
  version: z.literal(1),
  numFeatures: z.number().int().min(1),
  alpha: z.number().min(0),
  weights: z.array(z.number()),
  intercept: z.number(),
});
export type RidgeJson = z.infer<typeof ridgeJsonSchema>;

export function ridgeToJson(m: RidgeModel): RidgeJson {
  return {
    format: 'tideflow.linear-regression',
    version: 1,
    numFeatures: m.numFeatures,
    alpha: m.alpha,
    weights: Array.from(m.weights),
    intercept: m.intercept,
  };
}

export function ridgeFromJson(j: RidgeJson): RidgeModel {
  if (j.format !== 'tideflow.linear-regression' || j.version !== 1)
    throw new InputError(`not a version-1 tideflow.linear-regression model (format ${String(j.format)}, version ${String(j.version)})`);
  if (j.weights.length !== j.numFeatures) throw new InputError('linear-regression model has inconsistent shapes');
  return { numFeatures: j.numFeatures, alpha: j.alpha, weights: Float64Array.from(j.weights), intercept: j.intercept };
}
