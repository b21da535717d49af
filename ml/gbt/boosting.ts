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
 *
 * Columns flagged `categorical` in the Matrix are split natively (sets of category codes, see
 * splitting.ts); NaN is missing and gets a learned side at every split. Sample weights multiply
 * each row's gradient and hessian (and weight the baseline and the validation loss), as sklearn.
 */
import { applyBinMapper, fitBinMapper, knownCategories } from './binning';
import { binaryGradients, EXP_TABLE_LENGTH, fillExpTable, type BinaryTargets } from './binary-gradients';
import { HistogramPool } from './histogram-pool';
import { allocateKernelArrays } from './kernels/memory';
import { planUnits } from './units';
import { addLeafValues, fillGradHess, growTree, HB, type GrowInput, type TreeParams } from './grower';
import { baselineOf, computeGradients, meanLoss } from './losses';
import { addTreeScores, knownCategoryBitsets, toGbtTree } from './predictor';
import type { Matrix } from '../frame/matrix';
import type { GbtTree } from './serialize';
import { createRng, shuffled } from '../stats/random';
import { stratifiedSplit } from '../model-selection/split';
import { InputError } from '../../core/errors';

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
  /** Grow trees on 2 threads (histogram-pool.ts: a worker thread); default: when rows ≥ 50,000. */
  threads?: 1 | 2;
  /** Per-row weights (finite, ≥ 0, not all 0); absent = all 1. See class-weight.ts for class weights. */
  sampleWeight?: ArrayLike<number>;
  /** Called after each iteration with the number of iterations so far; throw to abort. */
  onIteration?: (iteration: number) => void;
}

export interface BoostResult {
  /** Raw score before the trees, one per raw-score column. */
  baseline: number[];
  /** trees[iteration][column]. */
  trees: GbtTree[][];
  /** Per feature, the bitset of its known category codes (null for numeric features). */
  knownCategories: (number[] | null)[];
  /** Validation scores (−loss) at the baseline and after each iteration, when early stopping. */
  validationScores?: number[];
}

/**
 * Checks rows and targets. `numClasses` is 0 for regression; 2 for binary (0/1 targets); ≥ 3 for
 * multiclass (class indices 0..K−1).
 */
function checkInputs(x: Matrix, y: ArrayLike<number>, numClasses: number): void {
  if (x.rows === 0) throw new InputError('no training rows');
  if (x.data.length !== x.rows * x.cols) throw new InputError('matrix data does not match its shape');
  if (y.length !== x.rows) throw new InputError(`${x.rows} rows but ${y.length} targets`);
  if (x.categorical && x.categorical.length !== x.cols)
    throw new InputError(`the categorical flags name ${x.categorical.length} columns, the matrix has ${x.cols}`);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i] as number;
    if (v === Infinity || v === -Infinity)
      throw new InputError(`infinite feature value at row ${Math.floor(i / x.cols)}, column ${i % x.cols}`);
  }
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    if (!Number.isFinite(t)) throw new InputError(`non-finite target at row ${i}`);
    if (numClasses === 2 && t !== 0 && t !== 1) throw new InputError(`log_loss needs 0/1 targets, got ${t} at row ${i}`);
    if (numClasses > 2 && !(Number.isInteger(t) && t >= 0 && t < numClasses))
      throw new InputError(`class index ${t} at row ${i} outside 0..${numClasses - 1}`);
    if (numClasses > 0 && seen.size < 2) seen.add(t);
  }
  if (numClasses > 0 && seen.size < 2) throw new InputError('the target has a single class; nothing to learn');
}

function checkOptions(o: GbtOptions): void {
  const maxIter = o.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new InputError(`maxIter must be an integer ≥ 1, got ${maxIter}`);
  if (!((o.learningRate ?? 0.1) > 0)) throw new InputError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!((o.l2 ?? 0) >= 0)) throw new InputError(`l2 must be ≥ 0, got ${o.l2}`);
  const minLeaf = o.minSamplesLeaf ?? 20;
  if (!Number.isInteger(minLeaf) || minLeaf < 1) throw new InputError(`minSamplesLeaf must be an integer ≥ 1, got ${minLeaf}`);
  if (!((o.maxDepth ?? Infinity) >= 1)) throw new InputError(`maxDepth must be ≥ 1, got ${o.maxDepth}`);
  if (!((o.maxLeafNodes ?? 31) >= 2)) throw new InputError(`maxLeafNodes must be ≥ 2, got ${o.maxLeafNodes}`);
  const vf = o.validationFraction ?? 0.1;
  if (!(vf > 0 && vf < 1)) throw new InputError(`validationFraction must be in (0, 1), got ${vf}`);
  const nic = o.nIterNoChange ?? 10;
  if (!Number.isInteger(nic) || nic < 1) throw new InputError(`nIterNoChange must be an integer ≥ 1, got ${nic}`);
  if (!((o.tol ?? 1e-7) >= 0)) throw new InputError(`tol must be ≥ 0, got ${o.tol}`);
}

function checkWeights(w: ArrayLike<number>, n: number): Float64Array {
  if (w.length !== n) throw new InputError(`${n} rows but ${w.length} sample weights`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i] as number;
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`sample weight ${v} at row ${i}; weights must be finite and ≥ 0`);
    total += v;
  }
  if (!(total > 0)) throw new InputError('the sample weights sum to 0');
  return Float64Array.from(w);
}

function takeMatrixRows(x: Matrix, rows: readonly number[]): Matrix {
  const d = x.cols;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, k) => data.set(x.data.subarray(r * d, (r + 1) * d), k * d));
  return x.categorical ? { data, rows: rows.length, cols: d, categorical: x.categorical } : { data, rows: rows.length, cols: d };
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

/** sklearn's `_should_stop`: none of the last `m` scores beats the score just before them by more than tol. */
function shouldStop(scores: readonly number[], m: number, tol: number): boolean {
  if (scores.length < m + 1) return false;
  const reference = (scores[scores.length - m - 1] as number) + tol;
  return !scores.slice(-m).some((s) => s > reference);
}

/**
 * The boosting loop as a generator: yields the number of iterations after each, so a caller can
 * heartbeat, yield to the event loop or stop (an exception thrown into it closes the worker
 * thread). `numClasses`: 0 = squared error, 2 = binary log loss, ≥ 3 = multinomial log loss.
 */
/** Column-major n × d codes → row-major, into `out`. */
function transposeBins(col: Uint8Array, n: number, d: number, out: Uint8Array): void {
  for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) out[i * d + f] = col[f * n + i] as number;
}

export function* boostSteps(xAll: Matrix, yAll: ArrayLike<number>, numClasses: number, o: GbtOptions): Generator<number, BoostResult> {
  checkInputs(xAll, yAll, numClasses);
  checkOptions(o);
  const seed = o.seed ?? 0;
  const maxBins = o.maxBins ?? 255;
  const wAll = o.sampleWeight ? checkWeights(o.sampleWeight, xAll.rows) : undefined;
  // Known categories come from all rows, before any validation split (as sklearn).
  const known = Array.from({ length: xAll.cols }, (_, f) => (xAll.categorical?.[f] ? knownCategories(xAll, f, maxBins) : undefined));
  let x = xAll;
  let y: ArrayLike<number> = yAll;
  let w = wAll;
  let valid: { x: Matrix; y: Float64Array; w: Float64Array | undefined; raw: Float64Array } | undefined;
  if (o.earlyStopping) {
    const split = validationSplit(yAll, numClasses, o.validationFraction ?? 0.1, seed);
    x = takeMatrixRows(xAll, split.train);
    y = Float64Array.from(split.train, (r) => yAll[r] as number);
    w = wAll ? Float64Array.from(split.train, (r) => wAll[r] as number) : undefined;
    valid = {
      x: takeMatrixRows(xAll, split.valid),
      y: Float64Array.from(split.valid, (r) => yAll[r] as number),
      w: wAll ? Float64Array.from(split.valid, (r) => wAll[r] as number) : undefined,
      raw: new Float64Array(0),
    };
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
  const mapper = fitBinMapper(x, maxBins, seed, (f) => known[f]);
  const knownBitsets = knownCategoryBitsets(mapper);
  const colBins = applyBinMapper(x, mapper);
  const d = x.cols;
  // Everything the kernels touch, on one memory (kernels/memory.ts); raw scores there too, since
  // the kernels add the leaf values to them.
  const {
    memory,
    kernels,
    arrays: a,
    release,
  } = allocateKernelArrays({
    bins: ['u8', n * d],
    rowBins: ['u8', n * d],
    index: ['u32', n],
    alt: ['u32', n],
    gradHess: ['f32', 2 * n],
    half0: ['f64', d * HB],
    half1: ['f64', d * HB],
    scratch: ['f64', d * HB],
    goesLeft: ['u8', 256],
    leaves: ['f64', 4 * params.maxLeafNodes],
    raw: ['f64', cols * n],
    y: ['f64', numClasses === 2 ? n : 0],
    w: ['f64', numClasses === 2 && w ? n : 0],
    exp: ['f64', numClasses === 2 ? EXP_TABLE_LENGTH : 0],
  } as const);
  a.bins.set(colBins);
  transposeBins(colBins, n, d, a.rowBins);
  const baseline = baselineOf(y, numClasses, w);
  // Binary log loss computes its gradients straight into gradHess, on both threads. The other
  // losses fill per-column gradients, then interleave them.
  const binary: BinaryTargets | undefined =
    numClasses === 2 ? { raw: a.raw, y: a.y, w: w ? a.w : undefined, exp: fillExpTable(a.exp) } : undefined;
  if (binary) {
    binary.y.set(y);
    if (w) a.w.set(w);
  }
  const raw = a.raw;
  baseline.forEach((b, k) => raw.fill(b, k * n, (k + 1) * n));
  const grad = new Float32Array(binary ? 0 : cols * n);
  const hess = new Float32Array(binary ? 0 : cols * n).fill(1);
  if (w && numClasses === 0) hess.set(w);
  // The identity: each tree's root order (addLeafValues restores it after every tree).
  const index = a.index;
  for (let i = 0; i < n; i++) index[i] = i;
  const inp: GrowInput = {
    kernels,
    bins: a.bins,
    rowBins: a.rowBins,
    units: planUnits(colBins, n, d),
    rows: n,
    cols: d,
    index,
    alt: a.alt,
    rootIsIdentity: true,
    halves: [a.half0, a.half1],
    scratch: a.scratch,
    goesLeft: a.goesLeft,
    leaves: a.leaves,
    gradHess: a.gradHess,
    features: mapper,
  };
  const scores: number[] = [];
  if (valid) {
    const m = valid.x.rows;
    valid.raw = new Float64Array(cols * m);
    baseline.forEach((b, k) => valid?.raw.fill(b, k * m, (k + 1) * m));
    scores.push(-meanLoss(valid.raw, valid.y, m, numClasses, valid.w));
  }
  // Both threads take halves of the rows, so even one feature is shared.
  const threads = o.threads ?? (n >= 50_000 ? 2 : 1);
  const pool = threads === 2 ? new HistogramPool(inp, memory, binary) : undefined;
  if (pool) inp.histograms = pool;
  const trees: GbtTree[][] = [];
  // True while an iteration runs: a failure then may leave the pool's thread inside a kernel
  // (one that did not answer), so the memory is not handed to another fit but left to the GC.
  let midIteration = false;
  try {
    for (let it = 0; it < (o.maxIter ?? 100); it++) {
      midIteration = true;
      if (!binary) computeGradients(raw, y, n, numClasses, grad, hess, w);
      else if (pool) pool.gradients(inp);
      else binaryGradients(kernels, binary.raw, binary.y, binary.w, 0, n, inp.gradHess, binary.exp);
      const iteration: GbtTree[] = [];
      for (let k = 0; k < cols; k++) {
        if (!binary) fillGradHess(grad.subarray(k * n, (k + 1) * n), hess.subarray(k * n, (k + 1) * n), inp.gradHess);
        const grown = growTree(inp, params);
        addLeafValues(inp, grown, cols === 1 ? raw : raw.subarray(k * n, (k + 1) * n));
        const tree = toGbtTree(grown.tree, mapper);
        iteration.push(tree);
        if (valid) addTreeScores(tree, knownBitsets, valid.x, valid.raw, k * valid.x.rows);
      }
      trees.push(iteration);
      let stop = false;
      if (valid) {
        scores.push(-meanLoss(valid.raw, valid.y, valid.x.rows, numClasses, valid.w));
        stop = shouldStop(scores, o.nIterNoChange ?? 10, o.tol ?? 1e-7);
      }
      midIteration = false;
      yield it + 1;
      if (stop) break;
    }
  } finally {
    pool?.close();
    if (!midIteration) release();
  }
  const result: BoostResult = { baseline, trees, knownCategories: knownBitsets };
  if (valid) result.validationScores = scores;
  return result;
}
