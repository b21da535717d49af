/**
 * The boosting loop shared by every gradient-boosting loss, as scikit-learn's
 * `BaseHistGradientBoosting.fit`: bin the features once, start from the baseline (the
 * intercept-only model), then per iteration compute gradients and hessians of the loss at the
 * current raw scores and grow one tree per raw-score column — one for squared error and binary
 * log loss, K for K-class log loss (softmax; all K trees of an iteration see the gradients
 * computed at the start of the iteration, as in sklearn).
 *
 * Optional early stopping (off unless asked) mirrors sklearn's `scoring='loss'`: a seeded
 * validation part (stratified for classification) is held out before binning, its loss is
 * recorded at the baseline and after each iteration, and fitting stops once none of the last
 * `nIterNoChange` scores beats the one before them by more than `tol`.
 */
import { applyBins, fitBinEdges, type BinEdges } from './binning';
import { HistogramPool, sharedFloat64, sharedUint32, sharedUint8 } from './histogram-pool';
import { addLeafValues, growTree, type GrowInput, type Tree, type TreeParams } from './grower';
import type { Matrix } from '../frame/matrix';
import type { GbtTree } from './serialize';
import { createRng, shuffled } from '../stats/random';
import { stratifiedSplit } from '../model-selection/split';

export type GbtLoss = 'log_loss' | 'squared_error';

export interface GbtOptions {
  loss: GbtLoss;
  /** Number of boosting iterations; default 100 (K-class log loss grows K trees per iteration). */
  maxIter?: number;
  learningRate?: number;
  maxLeafNodes?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  l2?: number;
  maxBins?: number;
  seed?: number;
  /** Hold out a validation part and stop when its loss stops improving; default false. */
  earlyStopping?: boolean;
  /** Share of the rows held out when early stopping; default 0.1. */
  validationFraction?: number;
  /** Iterations without improvement before stopping; default 10. */
  nIterNoChange?: number;
  /** Minimum improvement of the validation score that counts; default 1e-7. */
  tol?: number;
  /** Build histograms on 2 threads (a worker thread); default: when rows ≥ 50,000 and > 1 feature. */
  threads?: 1 | 2;
  /** Called after each iteration with the number of iterations so far; throw to abort. */
  onIteration?: (iteration: number) => void;
}

export interface BoostResult {
  /** Raw score before the trees, one per raw-score column. */
  baseline: number[];
  /** trees[iteration][column]. */
  trees: GbtTree[][];
  /** Validation scores (−loss) at the baseline and after each iteration, when early stopping. */
  validationScores?: number[];
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Checks rows and targets. `numClasses` is 0 for regression; 2 for binary (0/1 targets); ≥ 3 for
 * multiclass (class indices 0..K−1).
 */
function checkInputs(x: Matrix, y: ArrayLike<number>, numClasses: number): void {
  if (x.rows === 0) throw new RangeError('no training rows');
  if (x.data.length !== x.rows * x.cols) throw new RangeError('matrix data does not match its shape');
  if (y.length !== x.rows) throw new RangeError(`${x.rows} rows but ${y.length} targets`);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i] as number;
    if (v === Infinity || v === -Infinity)
      throw new RangeError(`infinite feature value at row ${Math.floor(i / x.cols)}, column ${i % x.cols}`);
  }
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    if (!Number.isFinite(t)) throw new RangeError(`non-finite target at row ${i}`);
    if (numClasses === 2 && t !== 0 && t !== 1) throw new RangeError(`log_loss needs 0/1 targets, got ${t} at row ${i}`);
    if (numClasses > 2 && !(Number.isInteger(t) && t >= 0 && t < numClasses))
      throw new RangeError(`class index ${t} at row ${i} outside 0..${numClasses - 1}`);
    if (numClasses > 0 && seen.size < 2) seen.add(t);
  }
  if (numClasses > 0 && seen.size < 2) throw new RangeError('the target has a single class; nothing to learn');
}

function checkOptions(o: GbtOptions): void {
  const maxIter = o.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`maxIter must be an integer ≥ 1, got ${maxIter}`);
  if (!((o.learningRate ?? 0.1) > 0)) throw new RangeError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!((o.l2 ?? 0) >= 0)) throw new RangeError(`l2 must be ≥ 0, got ${o.l2}`);
  const minLeaf = o.minSamplesLeaf ?? 20;
  if (!Number.isInteger(minLeaf) || minLeaf < 1) throw new RangeError(`minSamplesLeaf must be an integer ≥ 1, got ${minLeaf}`);
  if (!((o.maxDepth ?? Infinity) >= 1)) throw new RangeError(`maxDepth must be ≥ 1, got ${o.maxDepth}`);
  if (!((o.maxLeafNodes ?? 31) >= 2)) throw new RangeError(`maxLeafNodes must be ≥ 2, got ${o.maxLeafNodes}`);
  const vf = o.validationFraction ?? 0.1;
  if (!(vf > 0 && vf < 1)) throw new RangeError(`validationFraction must be in (0, 1), got ${vf}`);
  const nic = o.nIterNoChange ?? 10;
  if (!Number.isInteger(nic) || nic < 1) throw new RangeError(`nIterNoChange must be an integer ≥ 1, got ${nic}`);
  if (!((o.tol ?? 1e-7) >= 0)) throw new RangeError(`tol must be ≥ 0, got ${o.tol}`);
}

function takeMatrixRows(x: Matrix, rows: readonly number[]): Matrix {
  const d = x.cols;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, k) => data.set(x.data.subarray(r * d, (r + 1) * d), k * d));
  return { data, rows: rows.length, cols: d };
}

/** Training and validation rows for early stopping: stratified for classification, seeded. */
function validationSplit(y: ArrayLike<number>, numClasses: number, fraction: number, seed: number): { train: number[]; valid: number[] } {
  const n = y.length;
  // A stream distinct from the binning subsample's.
  const splitSeed = (seed ^ 0x5bd1e995) >>> 0;
  if (numClasses > 0) {
    const s = stratifiedSplit(Array.from(y, String), fraction, splitSeed);
    return { train: s.train, valid: s.test };
  }
  const order = shuffled(
    Array.from({ length: n }, (_, i) => i),
    createRng(splitSeed),
  );
  const nValid = Math.min(n - 1, Math.max(1, Math.ceil(fraction * n)));
  return { valid: order.slice(0, nValid).sort((a, b) => a - b), train: order.slice(nValid).sort((a, b) => a - b) };
}

/** Intercept-only raw scores, as sklearn's `fit_intercept_only` of each loss. */
function baselineOf(y: ArrayLike<number>, numClasses: number): number[] {
  const n = y.length;
  if (numClasses <= 2) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i] as number;
    mean /= n;
    return [numClasses === 2 ? Math.log(mean / (1 - mean)) : mean];
  }
  // Symmetric multinomial logit of the clipped class priors: log p_k − mean_j log p_j.
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
  const logs = Array.from(counts, (c) => Math.log(Math.min(1 - Number.EPSILON, Math.max(Number.EPSILON, c / n))));
  const meanLog = logs.reduce((s, v) => s + v, 0) / numClasses;
  return logs.map((l) => l - meanLog);
}

/**
 * Gradients and hessians at the current raw scores, column-major (column k of row i at k·n + i).
 * Squared error keeps its constant hessian of 1 (filled once by the caller).
 */
function computeGradients(
  raw: Float64Array,
  y: ArrayLike<number>,
  n: number,
  numClasses: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  if (numClasses === 0) {
    for (let i = 0; i < n; i++) grad[i] = (raw[i] as number) - (y[i] as number);
  } else if (numClasses === 2) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i] as number);
      grad[i] = p - (y[i] as number);
      hess[i] = p * (1 - p);
    }
  } else {
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) max = Math.max(max, raw[k * n + i] as number);
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += Math.exp((raw[k * n + i] as number) - max);
      const t = y[i] as number;
      for (let k = 0; k < numClasses; k++) {
        const p = Math.exp((raw[k * n + i] as number) - max) / sum;
        grad[k * n + i] = p - (k === t ? 1 : 0);
        hess[k * n + i] = p * (1 - p);
      }
    }
  }
}

/** Mean loss at raw scores (column-major, n rows): half squared error, binary or multinomial log loss, as sklearn's losses. */
export function meanLoss(raw: Float64Array, y: ArrayLike<number>, n: number, numClasses: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i] as number;
    if (numClasses === 0) s += 0.5 * ((raw[i] as number) - t) ** 2;
    else if (numClasses === 2) {
      const z = raw[i] as number;
      s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    } else {
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) max = Math.max(max, raw[k * n + i] as number);
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += Math.exp((raw[k * n + i] as number) - max);
      s += max + Math.log(sum) - (raw[t * n + i] as number);
    }
  }
  return s / n;
}

/** sklearn's `_should_stop`: none of the last `m` scores beats the score just before them by more than tol. */
function shouldStop(scores: readonly number[], m: number, tol: number): boolean {
  if (scores.length < m + 1) return false;
  const reference = (scores[scores.length - m - 1] as number) + tol;
  return !scores.slice(-m).some((s) => s > reference);
}

/** A grown tree with bin thresholds turned into feature values (upper bin edges). */
function toGbtTree(t: Tree, edges: BinEdges): GbtTree {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.feature, (f, k) => {
      if (f < 0) return 0;
      const e = edges[f] as Float64Array;
      const b = t.binThreshold[k] as number;
      return b < e.length ? (e[b] as number) : Number.MAX_VALUE;
    }),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
  };
}

/** Adds one tree's leaf values to raw scores out[offset + i] of every row of x. */
export function addTreeScores(t: GbtTree, x: Matrix, out: Float64Array, offset: number): void {
  const d = x.cols;
  const feature = Int32Array.from(t.feature);
  const threshold = Float64Array.from(t.threshold);
  const left = Int32Array.from(t.left);
  const right = Int32Array.from(t.right);
  const value = Float64Array.from(t.value);
  for (let i = 0; i < x.rows; i++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      node = (x.data[i * d + f] as number) <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    out[offset + i] = (out[offset + i] as number) + (value[node] as number);
  }
}

/**
 * The boosting loop as a generator: yields the number of iterations after each, so a caller can
 * heartbeat, yield to the event loop or stop (an exception thrown into it closes the worker
 * thread). `numClasses`: 0 = squared error, 2 = binary log loss, ≥ 3 = multinomial log loss.
 */
export function* boostSteps(xAll: Matrix, yAll: ArrayLike<number>, numClasses: number, o: GbtOptions): Generator<number, BoostResult> {
  checkInputs(xAll, yAll, numClasses);
  checkOptions(o);
  const seed = o.seed ?? 0;
  let x = xAll;
  let y: ArrayLike<number> = yAll;
  let valid: { x: Matrix; y: Float64Array; raw: Float64Array } | undefined;
  if (o.earlyStopping) {
    const split = validationSplit(yAll, numClasses, o.validationFraction ?? 0.1, seed);
    x = takeMatrixRows(xAll, split.train);
    y = Float64Array.from(split.train, (r) => yAll[r] as number);
    valid = { x: takeMatrixRows(xAll, split.valid), y: Float64Array.from(split.valid, (r) => yAll[r] as number), raw: new Float64Array(0) };
    if (numClasses > 0) checkInputs(x, y, numClasses); // the training part must still have two classes
  }
  const n = x.rows;
  const cols = numClasses > 2 ? numClasses : 1;
  const params: TreeParams = {
    maxLeafNodes: o.maxLeafNodes ?? 31,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesLeaf: o.minSamplesLeaf ?? 20,
    l2: o.l2 ?? 0,
    learningRate: o.learningRate ?? 0.1,
    minHessianToSplit: 1e-3,
  };
  const edges = fitBinEdges(x, o.maxBins ?? 255, seed);
  const bins = sharedUint8(applyBins(x, edges));
  const baseline = baselineOf(y, numClasses);
  const raw = new Float64Array(cols * n);
  baseline.forEach((b, k) => raw.fill(b, k * n, (k + 1) * n));
  const grad = new Float64Array(cols * n);
  const hess = new Float64Array(cols * n).fill(1);
  const index = sharedUint32(n);
  const inp: GrowInput = {
    bins,
    rows: n,
    cols: x.cols,
    grad,
    hess,
    index,
    scratch: new Uint32Array(n),
    rootIsIdentity: true,
    orderedGradHess: sharedFloat64(2 * n),
  };
  const scores: number[] = [];
  if (valid) {
    const m = valid.x.rows;
    valid.raw = new Float64Array(cols * m);
    baseline.forEach((b, k) => valid?.raw.fill(b, k * m, (k + 1) * m));
    scores.push(-meanLoss(valid.raw, valid.y, m, numClasses));
  }
  const threads = o.threads ?? (n >= 50_000 && x.cols > 1 ? 2 : 1);
  const pool = threads === 2 && x.cols > 1 ? new HistogramPool(inp) : undefined;
  if (pool) inp.histograms = pool;
  const trees: GbtTree[][] = [];
  try {
    for (let it = 0; it < (o.maxIter ?? 100); it++) {
      computeGradients(raw, y, n, numClasses, grad, hess);
      const iteration: GbtTree[] = [];
      for (let k = 0; k < cols; k++) {
        inp.grad = cols === 1 ? grad : grad.subarray(k * n, (k + 1) * n);
        inp.hess = cols === 1 ? hess : hess.subarray(k * n, (k + 1) * n);
        for (let i = 0; i < n; i++) index[i] = i;
        const grown = growTree(inp, params);
        addLeafValues(grown, index, cols === 1 ? raw : raw.subarray(k * n, (k + 1) * n));
        const tree = toGbtTree(grown.tree, edges);
        iteration.push(tree);
        if (valid) addTreeScores(tree, valid.x, valid.raw, k * valid.x.rows);
      }
      trees.push(iteration);
      let stop = false;
      if (valid) {
        scores.push(-meanLoss(valid.raw, valid.y, valid.x.rows, numClasses));
        stop = shouldStop(scores, o.nIterNoChange ?? 10, o.tol ?? 1e-7);
      }
      yield it + 1;
      if (stop) break;
    }
  } finally {
    pool?.close();
  }
  return valid ? { baseline, trees, validationScores: scores } : { baseline, trees };
}
