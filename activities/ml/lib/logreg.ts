/**
 * Multinomial logistic regression (softmax) with L2, trained by full-batch gradient descent
 * on Float64Arrays. Deterministic: the only randomness is the seeded initial weights.
 *
 * Objective: mean cross-entropy + (l2 / 2)·‖W‖² (the bias is not penalized).
 */
import { createRng } from './random';

/** A dense row-major matrix. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface SoftmaxModel {
  numClasses: number;
  numFeatures: number;
  /** numClasses × numFeatures, row-major. */
  weights: Float64Array;
  bias: Float64Array;
}

export interface TrainOptions {
  l2: number;
  learningRate: number;
  /** Upper bound on gradient steps. */
  epochs: number;
  seed: number;
  /** Stop early once every gradient component is below this; default 1e-6. */
  tolerance?: number;
  /** Called after each step with the objective before the step; throw to abort. */
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface TrainResult {
  model: SoftmaxModel;
  epochsRun: number;
  /** Objective (with the L2 term) at the returned weights. */
  finalLoss: number;
  converged: boolean;
}

export function matrixFromRows(rows: readonly (readonly number[])[], cols: number): Matrix {
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} values, expected ${cols}`);
    data.set(row, i * cols);
  });
  return { data, rows: rows.length, cols };
}

/** Class probabilities, n × numClasses row-major. */
export function predictProba(model: SoftmaxModel, x: Matrix): Float64Array {
  if (x.cols !== model.numFeatures) throw new RangeError(`model expects ${model.numFeatures} features, got ${x.cols}`);
  const k = model.numClasses;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    const row = i * x.cols;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let z = model.bias[c] as number;
      const w = c * x.cols;
      for (let j = 0; j < x.cols; j++) z += (model.weights[w + j] as number) * (x.data[row + j] as number);
      out[i * k + c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((out[i * k + c] as number) - max);
      out[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = (out[i * k + c] as number) / sum;
  }
  return out;
}

function objective(model: SoftmaxModel, proba: Float64Array, y: Int32Array, l2: number): number {
  let ce = 0;
  for (let i = 0; i < y.length; i++) ce -= Math.log(Math.max(proba[i * model.numClasses + (y[i] as number)] as number, Number.MIN_VALUE));
  let norm = 0;
  for (const w of model.weights) norm += w * w;
  return ce / y.length + (l2 / 2) * norm;
}

function checkInputs(x: Matrix, y: Int32Array, numClasses: number, o: TrainOptions): void {
  if (x.rows === 0) throw new RangeError('no training rows');
  if (x.data.length !== x.rows * x.cols) throw new RangeError('matrix data does not match its shape');
  if (y.length !== x.rows) throw new RangeError(`${x.rows} rows but ${y.length} labels`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`need at least 2 classes, got ${numClasses}`);
  for (const label of y) if (label < 0 || label >= numClasses) throw new RangeError(`label ${label} outside 0..${numClasses - 1}`);
  if (!(o.l2 >= 0)) throw new RangeError(`l2 must be ≥ 0, got ${o.l2}`);
  if (!(o.learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new RangeError(`epochs must be an integer ≥ 1, got ${o.epochs}`);
}

/**
 * The training loop as a generator: yields after every gradient step, so a caller can
 * report progress, yield to the event loop or stop. Drive it with `trainSoftmax` (sync)
 * or `trainSoftmaxAsync`.
 */
export function* softmaxSteps(x: Matrix, y: Int32Array, numClasses: number, o: TrainOptions): Generator<{ epoch: number; loss: number }, TrainResult> {
  checkInputs(x, y, numClasses, o);
  const d = x.cols;
  const k = numClasses;
  const rand = createRng(o.seed);
  const model: SoftmaxModel = { numClasses: k, numFeatures: d, weights: new Float64Array(k * d), bias: new Float64Array(k) };
  for (let i = 0; i < model.weights.length; i++) model.weights[i] = (rand() - 0.5) * 0.02;
  const gradW = new Float64Array(k * d);
  const gradB = new Float64Array(k);
  const tolerance = o.tolerance ?? 1e-6;
  let epochsRun = 0;
  let converged = false;

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const proba = predictProba(model, x);
    const loss = objective(model, proba, y, o.l2);
    if (!Number.isFinite(loss)) throw new RangeError(`training diverged at epoch ${epoch} (learningRate ${o.learningRate} too large?)`);
    gradW.fill(0);
    gradB.fill(0);
    for (let i = 0; i < x.rows; i++) {
      for (let c = 0; c < k; c++) {
        const err = (proba[i * k + c] as number) - (y[i] === c ? 1 : 0);
        if (err === 0) continue;
        gradB[c] = (gradB[c] as number) + err;
        for (let j = 0; j < d; j++) gradW[c * d + j] = (gradW[c * d + j] as number) + err * (x.data[i * d + j] as number);
      }
    }
    let maxGrad = 0;
    for (let i = 0; i < gradW.length; i++) {
      const g = (gradW[i] as number) / x.rows + o.l2 * (model.weights[i] as number);
      gradW[i] = g;
      maxGrad = Math.max(maxGrad, Math.abs(g));
    }
    for (let c = 0; c < k; c++) {
      gradB[c] = (gradB[c] as number) / x.rows;
      maxGrad = Math.max(maxGrad, Math.abs(gradB[c] as number));
    }
    if (maxGrad < tolerance) {
      converged = true;
      break;
    }
    for (let i = 0; i < gradW.length; i++) model.weights[i] = (model.weights[i] as number) - o.learningRate * (gradW[i] as number);
    for (let c = 0; c < k; c++) model.bias[c] = (model.bias[c] as number) - o.learningRate * (gradB[c] as number);
    epochsRun = epoch + 1;
    yield { epoch: epochsRun, loss };
  }
  const finalLoss = objective(model, predictProba(model, x), y, o.l2);
  return { model, epochsRun, finalLoss, converged };
}

export function trainSoftmax(x: Matrix, y: Int32Array, numClasses: number, o: TrainOptions): TrainResult {
  const steps = softmaxSteps(x, y, numClasses, o);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    o.onEpoch?.(next.value.epoch, next.value.loss);
  }
}

/**
 * Same result as `trainSoftmax`, but gives the event loop a turn every `yieldEveryMs` so the
 * worker can send heartbeats and receive cancellation during a long fit.
 */
export async function trainSoftmaxAsync(x: Matrix, y: Int32Array, numClasses: number, o: TrainOptions, yieldEveryMs = 50): Promise<TrainResult> {
  const steps = softmaxSteps(x, y, numClasses, o);
  let last = Date.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    o.onEpoch?.(next.value.epoch, next.value.loss);
    if (Date.now() - last >= yieldEveryMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = Date.now();
    }
  }
}
