/**
 * Histogram-based gradient-boosted trees (like scikit-learn's HistGradientBoosting*): binary
 * log-loss classification and squared-error regression. Features are binned once (gbt-bin.ts);
 * each iteration grows one tree on the gradients (gbt-tree.ts) and adds its leaf values.
 * Deterministic for a seed (the seed only picks the binning subsample of > 200,000 rows).
 *
 * Serialised form (`gbtToJson`), version 1:
 *   { "format": "tideflow.gbt", "version": 1, "loss": "log_loss" | "squared_error",
 *     "numFeatures": d, "baseline": raw score before the trees,
 *     "trees": [{ "feature": int[], "threshold": number[], "left": int[], "right": int[], "value": number[] }] }
 * Node 0 is the root; feature −1 marks a leaf whose `value` is added to the raw score; a row
 * goes left when x[feature] ≤ threshold (NaN goes right). Probability = sigmoid(raw score).
 */
import { applyBins, fitBinEdges } from './gbt-bin';
import { HistogramPool, sharedFloat64, sharedUint32, sharedUint8 } from './gbt-pool';
import { addLeafValues, growTree, type GrowInput, type TreeParams } from './gbt-tree';
import type { Matrix } from './logreg';

export type GbtLoss = 'log_loss' | 'squared_error';

export interface GbtOptions {
  loss: GbtLoss;
  /** Number of trees; default 100. */
  maxIter?: number;
  learningRate?: number;
  maxLeafNodes?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  l2?: number;
  maxBins?: number;
  seed?: number;
  /** Build histograms on 2 threads (a worker thread); default: when rows ≥ 50,000 and > 1 feature. */
  threads?: 1 | 2;
  /** Called after each tree with the number of trees so far; throw to abort. */
  onIteration?: (iteration: number) => void;
}

export interface GbtTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbtModel {
  format: 'tideflow.gbt';
  version: 1;
  loss: GbtLoss;
  numFeatures: number;
  baseline: number;
  trees: GbtTree[];
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function checkInputs(x: Matrix, y: ArrayLike<number>, loss: GbtLoss): void {
  if (x.rows === 0) throw new RangeError('no training rows');
  if (x.data.length !== x.rows * x.cols) throw new RangeError('matrix data does not match its shape');
  if (y.length !== x.rows) throw new RangeError(`${x.rows} rows but ${y.length} targets`);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i] as number;
    if (v === Infinity || v === -Infinity) throw new RangeError(`infinite feature value at row ${Math.floor(i / x.cols)}, column ${i % x.cols}`);
  }
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    if (!Number.isFinite(t)) throw new RangeError(`non-finite target at row ${i}`);
    if (loss === 'log_loss' && t !== 0 && t !== 1) throw new RangeError(`log_loss needs 0/1 targets, got ${t} at row ${i}`);
    pos += t;
  }
  if (loss === 'log_loss' && (pos === 0 || pos === y.length)) throw new RangeError('the target has a single class; nothing to learn');
}

function checkOptions(o: GbtOptions): void {
  const maxIter = o.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`maxIter must be an integer ≥ 1, got ${maxIter}`);
  if (!((o.learningRate ?? 0.1) > 0)) throw new RangeError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!((o.l2 ?? 0) >= 0)) throw new RangeError(`l2 must be ≥ 0, got ${o.l2}`);
  const minLeaf = o.minSamplesLeaf ?? 20;
  if (!Number.isInteger(minLeaf) || minLeaf < 1) throw new RangeError(`minSamplesLeaf must be an integer ≥ 1, got ${minLeaf}`);
  if (!((o.maxDepth ?? Infinity) >= 1)) throw new RangeError(`maxDepth must be ≥ 1, got ${o.maxDepth}`);
}

/**
 * The boosting loop as a generator: yields after every tree, so a caller can heartbeat, yield to
 * the event loop or stop. Drive it with `fitGbt` (sync) or `fitGbtAsync`.
 */
export function* gbtSteps(x: Matrix, y: ArrayLike<number>, o: GbtOptions): Generator<number, GbtModel> {
  checkInputs(x, y, o.loss);
  checkOptions(o);
  const n = x.rows;
  const params: TreeParams = {
    maxLeafNodes: o.maxLeafNodes ?? 31,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesLeaf: o.minSamplesLeaf ?? 20,
    l2: o.l2 ?? 0,
    learningRate: o.learningRate ?? 0.1,
    minHessianToSplit: 1e-3,
  };
  if (!(params.maxLeafNodes >= 2)) throw new RangeError(`maxLeafNodes must be ≥ 2, got ${params.maxLeafNodes}`);
  const edges = fitBinEdges(x, o.maxBins ?? 255, o.seed ?? 0);
  const bins = sharedUint8(applyBins(x, edges));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] as number;
  mean /= n;
  const baseline = o.loss === 'log_loss' ? Math.log(mean / (1 - mean)) : mean;
  const raw = new Float64Array(n).fill(baseline);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n).fill(1);
  const index = sharedUint32(n);
  const inp: GrowInput = { bins, rows: n, cols: x.cols, grad, hess, index, scratch: new Uint32Array(n), rootIsIdentity: true, orderedGradHess: sharedFloat64(2 * n) };
  const threads = o.threads ?? (n >= 50_000 && x.cols > 1 ? 2 : 1);
  const pool = threads === 2 && x.cols > 1 ? new HistogramPool(inp) : undefined;
  if (pool) inp.histograms = pool;
  const trees: GbtTree[] = [];
  try {
    for (let it = 0; it < (o.maxIter ?? 100); it++) {
      if (o.loss === 'log_loss') {
        for (let i = 0; i < n; i++) {
          const p = sigmoid(raw[i] as number);
          grad[i] = p - (y[i] as number);
          hess[i] = p * (1 - p);
        }
      } else {
        for (let i = 0; i < n; i++) grad[i] = (raw[i] as number) - (y[i] as number);
      }
      for (let i = 0; i < n; i++) index[i] = i;
      const grown = growTree(inp, params);
      addLeafValues(grown, index, raw);
      const t = grown.tree;
      trees.push({
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
      });
      yield it + 1;
    }
  } finally {
    pool?.close();
  }
  return { format: 'tideflow.gbt', version: 1, loss: o.loss, numFeatures: x.cols, baseline, trees };
}

/** Reports a finished tree; an exception from the callback is thrown into the generator, so its cleanup (the worker thread) runs. */
function report(steps: Generator<number, GbtModel>, o: GbtOptions, trees: number): void {
  try {
    o.onIteration?.(trees);
  } catch (err) {
    steps.throw(err);
  }
}

export function fitGbt(x: Matrix, y: ArrayLike<number>, o: GbtOptions): GbtModel {
  const steps = gbtSteps(x, y, o);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    report(steps, o, next.value);
  }
}

/** Same model as `fitGbt`; gives the event loop a turn after each tree (heartbeats, cancellation). */
export async function fitGbtAsync(x: Matrix, y: ArrayLike<number>, o: GbtOptions): Promise<GbtModel> {
  const steps = gbtSteps(x, y, o);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    report(steps, o, next.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Raw scores (log-odds for log_loss, predictions for squared_error). */
export function gbtRaw(m: GbtModel, x: Matrix): Float64Array {
  if (x.cols !== m.numFeatures) throw new RangeError(`model expects ${m.numFeatures} features, got ${x.cols}`);
  const d = x.cols;
  const out = new Float64Array(x.rows).fill(m.baseline);
  for (const t of m.trees) {
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
      out[i] = (out[i] as number) + (value[node] as number);
    }
  }
  return out;
}

/** P(class 1) for a log_loss model. */
export function gbtProba(m: GbtModel, x: Matrix): Float64Array {
  if (m.loss !== 'log_loss') throw new RangeError('probabilities need a log_loss model');
  return gbtRaw(m, x).map(sigmoid);
}

export const gbtToJson = (m: GbtModel): string => JSON.stringify(m);

export function gbtFromJson(text: string): GbtModel {
  const m = JSON.parse(text) as GbtModel;
  if (m.format !== 'tideflow.gbt' || m.version !== 1) throw new RangeError(`not a version-1 tideflow.gbt model (format ${String(m.format)}, version ${String(m.version)})`);
  if (m.loss !== 'log_loss' && m.loss !== 'squared_error') throw new RangeError(`unknown loss ${String(m.loss)}`);
  for (const [k, t] of m.trees.entries()) {
    const len = t.feature.length;
    if ([t.threshold, t.left, t.right, t.value].some((a) => a.length !== len)) throw new RangeError(`tree ${k} has arrays of different lengths`);
  }
  return m;
}
