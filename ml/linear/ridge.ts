/**
 * Linear and ridge regression in closed form: the normal equations (XcᵀXc + αI)·w = Xcᵀyc on
 * centred data, solved by Cholesky; intercept = ȳ − x̄·w (not penalised). α is scikit-learn's
 * `Ridge(alpha=…)` (a penalty on the sum, not the mean, of squared errors); α = 0 is ordinary
 * least squares (`LinearRegression`) and needs XᵀX to be positive definite.
 *
 * Serialised form (`ridgeToJson`), version 1:
 *   { "format": "tideflow.linear-regression", "version": 1, "numFeatures": d, "alpha": α,
 *     "weights": number[d], "intercept": number }
 */
import type { Matrix } from '../frame/matrix';

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
          throw new RangeError(`matrix is not positive definite at column ${i} (collinear or constant feature? use alpha > 0)`);
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

export function fitRidge(x: Matrix, y: ArrayLike<number>, alpha = 0): RidgeModel {
  const { rows: n, cols: d, data } = x;
  if (n === 0) throw new RangeError('no training rows');
  if (y.length !== n) throw new RangeError(`${n} rows but ${y.length} targets`);
  if (!(alpha >= 0)) throw new RangeError(`alpha must be ≥ 0, got ${alpha}`);
  const mean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i] as number;
    if (!Number.isFinite(t)) throw new RangeError(`non-finite target at row ${i}`);
    yMean += t;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j] as number;
      if (!Number.isFinite(v)) throw new RangeError(`non-finite feature value at row ${i}, column ${j}`);
      mean[j] = (mean[j] as number) + v;
    }
  }
  yMean /= n;
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = (data[i * d + j] as number) - (mean[j] as number);
    const t = (y[i] as number) - yMean;
    for (let j = 0; j < d; j++) {
      const rj = row[j] as number;
      xty[j] = (xty[j] as number) + rj * t;
      for (let k = 0; k <= j; k++) xtx[j * d + k] = (xtx[j * d + k] as number) + rj * (row[k] as number);
    }
  }
  for (let j = 0; j < d; j++) {
    xtx[j * d + j] = (xtx[j * d + j] as number) + alpha;
    for (let k = 0; k < j; k++) xtx[k * d + j] = xtx[j * d + k] as number;
  }
  const weights = choleskySolve(xtx, xty, d);
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= (mean[j] as number) * (weights[j] as number);
  return { numFeatures: d, alpha, weights, intercept };
}

export function ridgePredict(m: RidgeModel, x: Matrix): Float64Array {
  if (x.cols !== m.numFeatures) throw new RangeError(`model expects ${m.numFeatures} features, got ${x.cols}`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = m.intercept;
    for (let j = 0; j < x.cols; j++) s += (m.weights[j] as number) * (x.data[i * x.cols + j] as number);
    out[i] = s;
  }
  return out;
}

export interface RidgeJson {
  format: 'tideflow.linear-regression';
  version: 1;
  numFeatures: number;
  alpha: number;
  weights: number[];
  intercept: number;
}

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
    throw new RangeError(`not a version-1 tideflow.linear-regression model (format ${String(j.format)}, version ${String(j.version)})`);
  if (j.weights.length !== j.numFeatures) throw new RangeError('linear-regression model has inconsistent shapes');
  return { numFeatures: j.numFeatures, alpha: j.alpha, weights: Float64Array.from(j.weights), intercept: j.intercept };
}
