/**
 * Feature binning for histogram gradient boosting, as scikit-learn's `_BinMapper`: per feature,
 * at most `maxBins` (≤ 255) bins whose upper edges are the midpoints between distinct values when
 * there are few, else quantiles (numpy method midpoint, as sklearn) of a seeded subsample of ≤ 200,000 rows. A value v falls in bin b
 * when edges[b − 1] < v ≤ edges[b]; NaN goes to the reserved bin 255 (its side is learned per
 * split). A categorical feature's bins are its known categories in increasing code order (bin b =
 * the b-th smallest code seen in training), as sklearn's mapper for `categorical_features`.
 */
import { createRng } from '../stats/random';
import type { Matrix } from '../frame/matrix';
import { InputError } from '../../core/errors';

export const MISSING_BIN = 255;
const SUBSAMPLE = 200_000;

/** Upper edges of each feature's bins, except the last bin's (which is +∞). */
export type BinEdges = Float64Array[];

function distinctSorted(values: Float64Array): Float64Array {
  const out: number[] = [];
  for (const v of values) if (out.length === 0 || v !== out[out.length - 1]) out.push(v);
  return Float64Array.from(out);
}

/** numpy's percentile with method='midpoint' (what sklearn's bin mapper uses), on sorted values. */
function percentile(sorted: Float64Array, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return ((sorted[lo] as number) + (sorted[hi] as number)) / 2;
}

/** `skip(f)`: features binned otherwise (categorical), left with no edges; the subsample is the same either way. */
export function fitBinEdges(x: Matrix, maxBins: number, seed: number, skip: (f: number) => boolean = () => false): BinEdges {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 255)
    throw new InputError(`maxBins must be an integer in 2..255, got ${maxBins}`);
  const { rows: n, cols: d, data } = x;
  let sample: Uint32Array;
  if (n > SUBSAMPLE) {
    // Seeded partial Fisher–Yates: the first SUBSAMPLE entries become a uniform sample without replacement.
    const rand = createRng(seed);
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    for (let i = 0; i < SUBSAMPLE; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const t = all[i] as number;
      all[i] = all[j] as number;
      all[j] = t;
    }
    sample = all.slice(0, SUBSAMPLE);
  } else {
    sample = new Uint32Array(n);
    for (let i = 0; i < n; i++) sample[i] = i;
  }
  const edges: BinEdges = [];
  const col = new Float64Array(sample.length);
  for (let f = 0; f < d; f++) {
    if (skip(f)) {
      edges.push(new Float64Array(0));
      continue;
    }
    let m = 0;
    for (const i of sample) {
      const v = data[i * d + f] as number;
      if (!Number.isNaN(v)) col[m++] = v;
    }
    const sorted = col.slice(0, m).sort();
    const distinct = distinctSorted(sorted);
    if (distinct.length <= maxBins) {
      const e = new Float64Array(Math.max(0, distinct.length - 1));
      for (let b = 0; b < e.length; b++) e[b] = ((distinct[b] as number) + (distinct[b + 1] as number)) / 2;
      edges.push(e);
    } else {
      const qs: number[] = [];
      for (let b = 1; b < maxBins; b++) qs.push(percentile(sorted, (100 * b) / maxBins));
      edges.push(distinctSorted(Float64Array.from(qs)));
    }
  }
  return edges;
}

/**
 * Edges padded with +∞ to a power of two > their count, for `binInPadded`. A plain binary search
 * mispredicts about every other branch on 252 edges (distance in the flights data): binning the
 * flights' 1.5M rows × 4 numeric columns took ~100 ms CPU that way, ~75 ms with this.
 */
export function paddedEdges(e: Float64Array): Float64Array {
  let size = 1;
  while (size <= e.length) size <<= 1;
  const out = new Float64Array(size).fill(Infinity);
  out.set(e);
  return out;
}

/**
 * Bin of one value: the number of edges strictly below it, NaN → MISSING_BIN. `pad` from
 * `paddedEdges`: a fixed number of halvings whose steps are added arithmetically (no branch to
 * mispredict); the padding is never below a value, so the count is that of the real edges.
 */
export function binInPadded(pad: Float64Array, v: number): number {
  if (Number.isNaN(v)) return MISSING_BIN;
  let pos = 0;
  for (let step = pad.length >>> 1; step > 0; step >>>= 1) pos += step & -((pad[pos + step - 1] as number) < v);
  return pos;
}

/** Bin of one value under edges `e` (see binInPadded). */
export const binOf = (e: Float64Array, v: number): number => binInPadded(paddedEdges(e), v);

/** Column-major bin codes: feature f of row i at f·n + i. */
export function applyBins(x: Matrix, edges: BinEdges): Uint8Array {
  const { rows: n, cols: d, data } = x;
  if (edges.length !== d) throw new InputError(`bin edges for ${edges.length} features, data has ${d}`);
  const out = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    const pad = paddedEdges(edges[f] as Float64Array);
    for (let i = 0; i < n; i++) out[f * n + i] = binInPadded(pad, data[i * d + f] as number);
  }
  return out;
}

/** How every feature is binned: numeric edges, or the known categories of a categorical feature. */
export interface BinMapper {
  /** Numeric features: upper bin edges; categorical features: empty. */
  edges: BinEdges;
  /** Categorical features: the sorted known codes (bin b ↔ categories[b]); numeric: undefined. */
  categories: (Int32Array | undefined)[];
  /** Bins used by non-missing values, per feature. */
  nBinsNonMissing: Int32Array;
  /** Whether the training rows had a missing value, per feature. */
  hasMissing: Uint8Array;
  isCategorical: Uint8Array;
}

/**
 * Known categories of categorical column f: the distinct non-missing codes of all rows (as
 * sklearn's `_check_categories`, before any early-stopping split). Codes must be integers in
 * 0..maxBins−1 and at most maxBins distinct.
 */
export function knownCategories(x: Matrix, f: number, maxBins: number): Int32Array {
  const seen = new Uint8Array(256);
  const { rows: n, cols: d, data } = x;
  for (let i = 0; i < n; i++) {
    const v = data[i * d + f] as number;
    if (Number.isNaN(v)) continue;
    if (!(Number.isInteger(v) && v >= 0 && v < maxBins))
      throw new InputError(
        `categorical feature column ${f} holds ${v} at row ${i}; category codes must be integers in 0..${maxBins - 1} (NaN = missing)`,
      );
    seen[v] = 1;
  }
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (seen[c]) out.push(c);
  return Int32Array.from(out);
}

/** A mapper fitted on x: numeric edges from (a subsample of) x, categories from `categoriesOf`. */
export function fitBinMapper(x: Matrix, maxBins: number, seed: number, categoriesOf: (f: number) => Int32Array | undefined): BinMapper {
  const d = x.cols;
  const categories = Array.from({ length: d }, (_, f) => categoriesOf(f));
  const edges = fitBinEdges(x, maxBins, seed, (f) => categories[f] !== undefined);
  const isCategorical = Uint8Array.from(categories, (c) => (c ? 1 : 0));
  const nBinsNonMissing = Int32Array.from({ length: d }, (_, f) => categories[f]?.length ?? (edges[f] as Float64Array).length + 1);
  return { edges, categories, nBinsNonMissing, hasMissing: new Uint8Array(d), isCategorical };
}

/** Column-major bin codes of x under a mapper; records which features had missing values. */
export function applyBinMapper(x: Matrix, m: BinMapper): Uint8Array {
  const { rows: n, cols: d, data } = x;
  const out = new Uint8Array(n * d);
  const lookup = new Uint8Array(256);
  for (let f = 0; f < d; f++) {
    const cats = m.categories[f];
    let missing = 0;
    if (cats) {
      lookup.fill(MISSING_BIN);
      cats.forEach((c, b) => (lookup[c] = b));
      for (let i = 0; i < n; i++) {
        const v = data[i * d + f] as number;
        // Unknown codes (only possible for rows the categories were not learned from) bin as missing.
        const b = v >= 0 && v < 256 ? (lookup[v | 0] as number) : MISSING_BIN;
        out[f * n + i] = b;
        missing |= b === MISSING_BIN ? 1 : 0;
      }
    } else {
      const pad = paddedEdges(m.edges[f] as Float64Array);
      for (let i = 0; i < n; i++) {
        const b = binInPadded(pad, data[i * d + f] as number);
        out[f * n + i] = b;
        missing |= b === MISSING_BIN ? 1 : 0;
      }
    }
    m.hasMissing[f] = missing;
  }
  return out;
}
