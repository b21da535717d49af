/**
 * L2-regularised logistic regression on typed arrays, fitted by L-BFGS: binary (one weight vector,
 * sigmoid) and multinomial (one per class, softmax). Deterministic: starts from zero weights.
 *
 * Objective: mean (sample-weighted) cross-entropy + (l2 / 2)·‖W‖² (intercepts are not penalised).
 * scikit-learn 1.2's `LogisticRegression(C=…)` minimises rows × this function with l2 = 1 / (C · rows).
 * The matrix may hold one-hot blocks (../frame/matrix.ts): they are read as indices, never densified,
 * so the cost per row grows with the number of blocks, not their widths. Large fits sum the loss on
 * two threads (logistic-pool.ts).
 *
 * Serialised form (`logisticToJson`), version 1:
 *   { "format": "tideflow.logistic-regression", "version": 1, "numClasses": K, "numFeatures": d,
 *     "weights": number[][] (1 row if K = 2: the positive class's logit; else K rows of d),
 *     "intercepts": number[] (1 or K) }
 */
import { z } from 'zod';
import { minimizeLbfgs } from './lbfgs';
import type { Matrix } from '../frame/matrix';
import { type Design, checkSampleWeight, designOf, firstNonFinite, linearScores } from './design';
import { LogisticPool, MIN_SHARED_ROWS } from './logistic-pool';
import { compileLoss, lossSource } from './logistic-source';
import { InputError } from '../../core/errors';

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
  /** Also stop when one iteration lowers the loss by less than this fraction; default 1e-12 (0: gradient only). */
  relativeTolerance?: number;
  /**
   * Per-row weights ≥ 0 (e.g. from class weights): the loss becomes Σ sw_i·loss_i / rows, as
   * sklearn's LogisticRegression.fit(sample_weight=…) scales each row's loss.
   */
  sampleWeight?: ArrayLike<number>;
  /** Sum the loss on 2 threads (a worker thread); default: when rows ≥ MIN_SHARED_ROWS. */
  threads?: 1 | 2;
}

export interface LogisticFit {
  model: LogisticModel;
  iterations: number;
  /** Loss-and-gradient evaluations (each one pass over the rows). */
  evaluations: number;
  converged: boolean;
  loss: number;
}

/** Mean weighted cross-entropy + (l2 / 2)·‖W‖² and its gradient, from the summed loss of `sum`. */
function objective(sum: (p: Float64Array, grad: Float64Array) => number, n: number, stride: number, l2: number) {
  return (p: Float64Array, grad: Float64Array): number => {
    const loss = sum(p, grad);
    let norm = 0;
    for (let idx = 0; idx < p.length; idx++) {
      grad[idx] = (grad[idx] as number) / n;
      if (idx % stride === stride - 1) continue; // intercepts are not penalised
      const v = p[idx] as number;
      norm += v * v;
      grad[idx] = (grad[idx] as number) + l2 * v;
    }
    return loss / n + (l2 / 2) * norm;
  };
}

function checkInputs(d: Design, y: ArrayLike<number>, numClasses: number, o: LogisticOptions): Float64Array | null {
  if (d.rows === 0) throw new InputError('no training rows');
  if (y.length !== d.rows) throw new InputError(`${d.rows} rows but ${y.length} labels`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new InputError(`need at least 2 classes, got ${numClasses}`);
  if (!(o.l2 >= 0)) throw new InputError(`l2 must be ≥ 0, got ${o.l2}`);
  const seen = new Uint8Array(numClasses);
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses)) throw new InputError(`label ${t} at row ${i} outside 0..${numClasses - 1}`);
    seen[t] = 1;
  }
  if (seen.reduce((a, b) => a + b, 0) < 2) throw new InputError('the target has a single class; nothing to learn');
  const bad = firstNonFinite(d);
  if (bad) throw new InputError(`non-finite feature value at row ${bad[0]}, column ${bad[1]}`);
  return checkSampleWeight(o.sampleWeight, d.rows);
}

export function fitLogistic(x: Matrix, y: ArrayLike<number>, numClasses: number, o: LogisticOptions): LogisticFit {
  const d = designOf(x);
  const sw = checkInputs(d, y, numClasses, o);
  const cols = d.cols;
  const stride = cols + 1;
  const k = numClasses === 2 ? 1 : numClasses;
  const yf = Float64Array.from(y);
  const threads = o.threads ?? (d.rows >= MIN_SHARED_ROWS ? 2 : 1);
  const source = lossSource(d, k, sw !== null);
  const pool = threads === 2 && d.rows >= 2 ? new LogisticPool(d, yf, sw, source, k * stride) : undefined;
  const loss = pool ? undefined : compileLoss(source);
  const sum = (p: Float64Array, grad: Float64Array): number =>
    pool ? pool.evaluate(p, grad) : (loss as NonNullable<typeof loss>)(d.data, d.blockIdx, yf, sw, p, 0, d.rows, grad);
  try {
    const r = minimizeLbfgs(objective(sum, d.rows, stride, o.l2), new Float64Array(k * stride), {
      maxIterations: o.maxIterations ?? 200,
      gradientTolerance: o.tolerance ?? 1e-6,
      relativeTolerance: o.relativeTolerance ?? 1e-12,
    });
    const weights = new Float64Array(k * cols);
    const intercepts = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      weights.set(r.x.subarray(c * stride, c * stride + cols), c * cols);
      intercepts[c] = r.x[c * stride + cols] as number;
    }
    return {
      model: { numClasses, numFeatures: cols, weights, intercepts },
      iterations: r.iterations,
      evaluations: r.evaluations,
      converged: r.converged,
      loss: r.value,
    };
  } finally {
    pool?.close();
  }
}

/** Class probabilities, rows × numClasses row-major. */
export function logisticProba(m: LogisticModel, x: Matrix): Float64Array {
  if (x.cols !== m.numFeatures) throw new InputError(`model expects ${m.numFeatures} features, got ${x.cols}`);
  const k = m.numClasses;
  const rows = k === 2 ? 1 : k;
  const scores = linearScores(designOf(x), m.weights, m.intercepts, rows);
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    if (k === 2) {
      const s = scores[i] as number;
      const p = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[i * k + c] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((scores[i * k + c] as number) - max);
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp((scores[i * k + c] as number) - max) / sum;
  }
  return out;
}

/** The stored model, `tideflow.logistic-regression` version 1; the estimator envelope (estimators/json.ts) checks it with this schema. */
export const logisticJsonSchema = z.object({
  format: z.literal('tideflow.logistic-regression'),
  version: z.literal(1),
  numClasses: z.number().int().min(2),
  numFeatures: z.number().int().min(1),
  /** One row of numFeatures weights per class (one row for a binary model). */
  weights: z.array(z.array(z.number())),
  intercepts: z.array(z.number()),
});
export type LogisticJson = z.infer<typeof logisticJsonSchema>;

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
    throw new InputError(`not a version-1 tideflow.logistic-regression model (format ${String(j.format)}, version ${String(j.version)})`);
  const rows = j.numClasses === 2 ? 1 : j.numClasses;
  if (j.weights.length !== rows || j.intercepts.length !== rows || j.weights.some((w) => w.length !== j.numFeatures))
    throw new InputError('logistic-regression model has inconsistent shapes');
  return {
    numClasses: j.numClasses,
    numFeatures: j.numFeatures,
    weights: Float64Array.from(j.weights.flat()),
    intercepts: Float64Array.from(j.intercepts),
  };
}
