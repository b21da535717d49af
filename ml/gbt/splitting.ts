/**
 * Best split of a node from its histograms, as scikit-learn's `Splitter.find_node_split` (1.2):
 *
 * - numeric features are scanned left to right (missing values go right) and, when the training
 *   rows had missing values for the feature, right to left as well (missing values go left); the
 *   missing side is whichever scan found the larger gain (XGBoost's sparsity-aware split);
 * - categorical features: categories whose hessian support is ≥ MIN_CAT_SUPPORT (missing values
 *   count as one more category) are sorted by gradient / (hessian + MIN_CAT_SUPPORT), then scanned
 *   as ordered values from both ends up to the middle; the chosen side is a set of categories (a
 *   bitset over bins); low-support categories always go right.
 *
 * Gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); a split needs ≥ minSamplesLeaf rows and
 * ≥ minHessianToSplit hessian on each side.
 */
import { MISSING_BIN } from './binning';

/** Doubles per feature in a histogram: 256 bins × (gradient, hessian, count). */
export const HB = 256 * 3;
/** LightGBM's cat_smooth, fixed in sklearn: the support a category needs, and the smoothing of its ratio. */
const MIN_CAT_SUPPORT = 10;
/** Gains at or below this are rounding noise, not a split. */
const MIN_GAIN = 1e-12;

export interface SplitParams {
  minSamplesLeaf: number;
  l2: number;
  minHessianToSplit: number;
}

/** Per-feature facts of the binned training data. */
export interface FeatureBins {
  nBinsNonMissing: Int32Array;
  hasMissing: Uint8Array;
  isCategorical: Uint8Array;
}

export interface Split {
  gain: number;
  feature: number;
  /** Numeric: rows with bin ≤ bin go left. */
  bin: number;
  /** Numeric and categorical: where the missing bin goes. */
  missingLeft: boolean;
  /** Categorical: bins that go left (8 × 32 bits); the missing bin is in it when missingLeft. */
  leftBins: Uint32Array | undefined;
  gLeft: number;
  hLeft: number;
  nLeft: number;
}

interface Best {
  gain: number;
  bin: number;
  missingLeft: boolean;
  g: number;
  h: number;
  n: number;
}

/** What every feature's scan of one node reads: its histograms, totals and the split rules. */
interface NodeScan {
  hist: Float64Array;
  fb: FeatureBins;
  /** The node's gradient, hessian and row totals. */
  g: number;
  h: number;
  n: number;
  p: SplitParams;
  /** G²/(H+λ) of the node. */
  parent: number;
}

/** sklearn's `_split_gain` for a candidate; `parent` = G²/(H+λ). */
const gainOf = (gl: number, hl: number, gr: number, hr: number, parent: number, l2: number): number =>
  (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;

function scanNumeric(node: NodeScan, f: number, best: Best): void {
  const { hist, fb, g, h, n, p, parent } = node;
  const base = f * HB;
  const nb = fb.nBinsNonMissing[f] as number;
  const missing = fb.hasMissing[f] === 1;
  // Left to right, missing values right; the last non-missing bin may go left only when missing values exist.
  const end = nb - 1 + (missing ? 1 : 0);
  let gl = 0;
  let hl = 0;
  let nl = 0;
  for (let b = 0; b < end; b++) {
    const q = base + b * 3;
    gl += hist[q] as number;
    hl += hist[q + 1] as number;
    nl += hist[q + 2] as number;
    if (nl < p.minSamplesLeaf) continue;
    if (n - nl < p.minSamplesLeaf) break;
    const hr = h - hl;
    if (hl < p.minHessianToSplit) continue;
    if (hr < p.minHessianToSplit) break;
    const gain = gainOf(gl, hl, g - gl, hr, parent, p.l2);
    if (gain > best.gain) Object.assign(best, { gain, bin: b, missingLeft: false, g: gl, h: hl, n: nl });
  }
  if (!missing) return;
  // Right to left, missing values left: the right side gathers bins b+1 .. nb−1.
  let gr = 0;
  let hr = 0;
  let nr = 0;
  for (let b = nb - 2; b >= 0; b--) {
    const q = base + (b + 1) * 3;
    gr += hist[q] as number;
    hr += hist[q + 1] as number;
    nr += hist[q + 2] as number;
    const nl2 = n - nr;
    const hl2 = h - hr;
    if (nr < p.minSamplesLeaf) continue;
    if (nl2 < p.minSamplesLeaf) break;
    if (hr < p.minHessianToSplit) continue;
    if (hl2 < p.minHessianToSplit) break;
    const gl2 = g - gr;
    const gain = gainOf(gl2, hl2, gr, hr, parent, p.l2);
    if (gain > best.gain) Object.assign(best, { gain, bin: b, missingLeft: true, g: gl2, h: hl2, n: nl2 });
  }
}

/** The categorical scan; returns the left bins of the best split found (or undefined). */
function scanCategorical(node: NodeScan, f: number, best: Best): Uint32Array | undefined {
  const { hist, fb, g, h, n, p, parent } = node;
  const base = f * HB;
  const supportFactor = n / h; // 1 when hessians are constant (squared error without weights)
  const used: { bin: number; value: number }[] = [];
  const consider = (b: number): void => {
    const hb = hist[base + b * 3 + 1] as number;
    if (hb * supportFactor >= MIN_CAT_SUPPORT) used.push({ bin: b, value: (hist[base + b * 3] as number) / (hb + MIN_CAT_SUPPORT) });
  };
  const nb = fb.nBinsNonMissing[f] as number;
  for (let b = 0; b < nb; b++) consider(b);
  if (fb.hasMissing[f] === 1) consider(MISSING_BIN);
  const k = used.length;
  if (k <= 1) return undefined;
  used.sort((a, b) => a.value - b.value);
  let found: { direction: 1 | -1; thresh: number } | undefined;
  for (const direction of [1, -1] as const) {
    const middle = direction === 1 ? (k + 1) >> 1 : ((k + 1) >> 1) - 1;
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let i = 0; i < middle; i++) {
      const s = direction === 1 ? i : k - 1 - i;
      const q = base + (used[s] as { bin: number }).bin * 3;
      gl += hist[q] as number;
      hl += hist[q + 1] as number;
      nl += hist[q + 2] as number;
      const hr = h - hl;
      if (nl < p.minSamplesLeaf || hl < p.minHessianToSplit) continue;
      if (n - nl < p.minSamplesLeaf || hr < p.minHessianToSplit) break;
      const gain = gainOf(gl, hl, g - gl, hr, parent, p.l2);
      if (gain > best.gain) {
        Object.assign(best, { gain, bin: 0, g: gl, h: hl, n: nl });
        found = { direction, thresh: s };
      }
    }
  }
  if (!found) return undefined;
  const bits = new Uint32Array(8);
  const from = found.direction === 1 ? 0 : found.thresh;
  const to = found.direction === 1 ? found.thresh : k - 1;
  for (let s = from; s <= to; s++) {
    const b = (used[s] as { bin: number }).bin;
    bits[b >>> 5] = ((bits[b >>> 5] as number) | (1 << (b & 31))) >>> 0;
  }
  best.missingLeft = inBitset(bits, MISSING_BIN);
  return bits;
}

export const inBitset = (bits: Uint32Array | readonly number[], v: number): boolean => (((bits[v >>> 5] as number) >>> (v & 31)) & 1) === 1;

/** The best split of a node over all features (the first feature wins ties), or undefined. */
export function findSplit(hist: Float64Array, fb: FeatureBins, g: number, h: number, n: number, p: SplitParams): Split | undefined {
  const node: NodeScan = { hist, fb, g, h, n, p, parent: (g * g) / (h + p.l2) };
  let split: Split | undefined;
  const d = fb.nBinsNonMissing.length;
  for (let f = 0; f < d; f++) {
    const best: Best = { gain: MIN_GAIN, bin: 0, missingLeft: false, g: 0, h: 0, n: 0 };
    let leftBins: Uint32Array | undefined;
    if (fb.isCategorical[f] === 1) {
      leftBins = scanCategorical(node, f, best);
      if (!leftBins) continue;
    } else {
      scanNumeric(node, f, best);
      if (best.gain === MIN_GAIN) continue;
    }
    if (split === undefined || best.gain > split.gain) {
      split = {
        gain: best.gain,
        feature: f,
        bin: best.bin,
        missingLeft: best.missingLeft,
        leftBins,
        gLeft: best.g,
        hLeft: best.h,
        nLeft: best.n,
      };
    }
  }
  return split;
}
