/**
 * L2-regularised logistic regression on typed arrays, fitted by L-BFGS: binary (one weight vector,
 * sigmoid) and multinomial (one per class, softmax). Deterministic: starts from zero weights.
 *
 * Objective: mean cross-entropy + (l2 / 2)·‖W‖² (intercepts are not penalised). scikit-learn's
 * `LogisticRegression(C=…)` minimises the same function with l2 = 1 / (C · rows).
 *
 * Serialised form (`logisticToJson`), version 1:
 *   { "format": "tideflow.logistic-regression", "version": 1, "numClasses": K, "numFeatures": d,
 *     "weights": number[][] (1 row if K = 2: the positive class's logit; else K rows of d),
 *     "intercepts": number[] (1 or K) }
 */
import { minimizeLbfgs } from './lbfgs';
import type { Matrix } from '../frame/matrix';

export interface LogisticModel {
  numClasses: number;
  numFeatures: number;
  /** rows × numFeatures, row-major; rows = 1 (binary) or numClasses. */
  weights: Float64Array;
  intercepts: Float64Array;
}

export interface LogisticOptions {
  l2: number;
  /** Default 200. */
  maxIterations?: number;
  /** Default 1e-6 (max |gradient|). */
  tolerance?: number;
}

export interface LogisticFit {
  model: LogisticModel;
  iterations: number;
  converged: boolean;
  loss: number;
}

function binaryObjective(x: Matrix, y: ArrayLike<number>, l2: number) {
  const { rows: n, cols: d, data } = x;
  return (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const b = p[d] as number;
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let z = b;
      for (let j = 0; j < d; j++) z += (p[j] as number) * (data[o + j] as number);
      const t = y[i] as number;
      // log(1 + e^z) - t·z, stably.
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
      const err = (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))) - t;
      gb += err;
      for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + err * (data[o + j] as number);
    }
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const w = p[j] as number;
      norm += w * w;
      grad[j] = (grad[j] as number) / n + l2 * w;
    }
    grad[d] = gb / n;
    return loss / n + (l2 / 2) * norm;
  };
}

function softmaxObjective(x: Matrix, y: ArrayLike<number>, k: number, l2: number) {
  const { rows: n, cols: d, data } = x;
  const w = d + 1;
  const z = new Float64Array(k);
  return (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = p[c * w + d] as number;
        for (let j = 0; j < d; j++) s += (p[c * w + j] as number) * (data[o + j] as number);
        z[c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp((z[c] as number) - max);
      const lse = max + Math.log(sum);
      const t = y[i] as number;
      loss += lse - (z[t] as number);
      for (let c = 0; c < k; c++) {
        const err = Math.exp((z[c] as number) - lse) - (c === t ? 1 : 0);
        const base = c * w;
        for (let j = 0; j < d; j++) grad[base + j] = (grad[base + j] as number) + err * (data[o + j] as number);
        grad[base + d] = (grad[base + d] as number) + err;
      }
    }
    let norm = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j <= d; j++) {
        const idx = c * w + j;
        grad[idx] = (grad[idx] as number) / n;
        if (j < d) {
          const v = p[idx] as number;
          norm += v * v;
          grad[idx] = (grad[idx] as number) + l2 * v;
        }
      }
    }
    return loss / n + (l2 / 2) * norm;
  };
}

export function fitLogistic(x: Matrix, y: ArrayLike<number>, numClasses: number, o: LogisticOptions): LogisticFit {
  if (x.rows === 0) throw new RangeError('no training rows');
  if (x.data.length !== x.rows * x.cols) throw new RangeError('matrix data does not match its shape');
  if (y.length !== x.rows) throw new RangeError(`${x.rows} rows but ${y.length} labels`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`need at least 2 classes, got ${numClasses}`);
  if (!(o.l2 >= 0)) throw new RangeError(`l2 must be ≥ 0, got ${o.l2}`);
  const seen = new Uint8Array(numClasses);
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses)) throw new RangeError(`label ${t} at row ${i} outside 0..${numClasses - 1}`);
    seen[t] = 1;
  }
  if (seen.reduce((a, b) => a + b, 0) < 2) throw new RangeError('the target has a single class; nothing to learn');
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i]))
      throw new RangeError(`non-finite feature value at row ${Math.floor(i / x.cols)}, column ${i % x.cols}`);
  }
  const d = x.cols;
  const rows = numClasses === 2 ? 1 : numClasses;
  const f = numClasses === 2 ? binaryObjective(x, y, o.l2) : softmaxObjective(x, y, numClasses, o.l2);
  const r = minimizeLbfgs(f, new Float64Array(rows * (d + 1)), {
    maxIterations: o.maxIterations ?? 200,
    gradientTolerance: o.tolerance ?? 1e-6,
  });
  const weights = new Float64Array(rows * d);
  const intercepts = new Float64Array(rows);
  for (let c = 0; c < rows; c++) {
    weights.set(r.x.subarray(c * (d + 1), c * (d + 1) + d), c * d);
    intercepts[c] = r.x[c * (d + 1) + d] as number;
  }
  return { model: { numClasses, numFeatures: d, weights, intercepts }, iterations: r.iterations, converged: r.converged, loss: r.value };
}

/** Class probabilities, rows × numClasses row-major. */
export function logisticProba(m: LogisticModel, x: Matrix): Float64Array {
  if (x.cols !== m.numFeatures) throw new RangeError(`model expects ${m.numFeatures} features, got ${x.cols}`);
  const d = x.cols;
  const k = m.numClasses;
  const rows = k === 2 ? 1 : k;
  const out = new Float64Array(x.rows * k);
  const z = new Float64Array(rows);
  for (let i = 0; i < x.rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < rows; c++) {
      let s = m.intercepts[c] as number;
      for (let j = 0; j < d; j++) s += (m.weights[c * d + j] as number) * (x.data[i * d + j] as number);
      z[c] = s;
      if (s > max) max = s;
    }
    if (k === 2) {
      const s = z[0] as number;
      const p = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((z[c] as number) - max);
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp((z[c] as number) - max) / sum;
  }
  return out;
}

export interface LogisticJson {
  format: 'tideflow.logistic-regression';
  version: 1;
  numClasses: number;
  numFeatures: number;
  weights: number[][];
  intercepts: number[];
}

export function logisticToJson(m: LogisticModel): LogisticJson {
  const rows = m.intercepts.length;
  const weights = Array.from({ length: rows }, (_, c) => Array.from(m.weights.subarray(c * m.numFeatures, (c + 1) * m.numFeatures)));
  return {
    format: 'tideflow.logistic-regression',
    version: 1,
    numClasses: m.numClasses,
    numFeatures: m.numFeatures,
    weights,
    intercepts: Array.from(m.intercepts),
  };
}

export function logisticFromJson(j: LogisticJson): LogisticModel {
  if (j.format !== 'tideflow.logistic-regression' || j.version !== 1)
    throw new RangeError(`not a version-1 tideflow.logistic-regression model (format ${String(j.format)}, version ${String(j.version)})`);
  const rows = j.numClasses === 2 ? 1 : j.numClasses;
  if (j.weights.length !== rows || j.intercepts.length !== rows || j.weights.some((w) => w.length !== j.numFeatures))
    throw new RangeError('logistic-regression model has inconsistent shapes');
  return {
    numClasses: j.numClasses,
    numFeatures: j.numFeatures,
    weights: Float64Array.from(j.weights.flat()),
    intercepts: Float64Array.from(j.intercepts),
  };
}
