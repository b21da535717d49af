/**
 * Distance-style drift measures.
 *
 * PSI: bins are the reference deciles by default — edges = quantiles of the reference at
 * 0, 1/b, …, 1 (linear interpolation, numpy's default `np.quantile`), duplicates removed, and the
 * outer edges opened to −∞/+∞ so every current value falls in a bin; a value v goes to the bin i
 * with edge[i] ≤ v < edge[i+1] (right-open, i.e. np.searchsorted(inner_edges, v, side='right')).
 * Shares of 0 are replaced by ε = 1e-4 (Evidently's value) before PSI = Σ (ref − cur)·ln(ref / cur).
 *
 * Jensen–Shannon distance (Evidently): histogram of both samples on Sturges bins over the pooled
 * data (numpy histogram_bin_edges(bins='sturges')), or category counts; then
 * scipy.spatial.distance.jensenshannon (natural log) = sqrt(JS divergence).
 *
 * Normalised Wasserstein (Evidently): scipy.stats.wasserstein_distance(ref, cur) / max(std(ref, ddof=0), 0.001).
 */
import { quantileSorted } from '../stats/quantile';
import { countCategories, type Category } from './categorical';

export const PSI_EPSILON = 1e-4;

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values)
    .filter((v) => !Number.isNaN(v))
    .sort();
}

function searchRight(edges: number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface PsiResult {
  psi: number;
  /** Inner bin edges (the outer bins extend to ±∞). */
  edges: number[];
  referenceShares: number[];
  currentShares: number[];
}

export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10): PsiResult {
  const ref = sortedCopy(reference);
  const cur = sortedCopy(current);
  if (ref.length === 0 || cur.length === 0) throw new Error('psi: both samples must be non-empty');
  const inner: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(ref, i / bins);
    if (inner.length === 0 || q > (inner[inner.length - 1] as number)) inner.push(q);
  }
  const shares = (data: Float64Array): number[] => {
    const counts = new Array<number>(inner.length + 1).fill(0);
    for (const v of data) {
      const i = searchRight(inner, v);
      counts[i] = (counts[i] as number) + 1;
    }
    return counts.map((c) => (c === 0 ? PSI_EPSILON : c / data.length));
  };
  const rs = shares(ref);
  const cs = shares(cur);
  let total = 0;
  for (let i = 0; i < rs.length; i++) total += ((rs[i] as number) - (cs[i] as number)) * Math.log((rs[i] as number) / (cs[i] as number));
  return { psi: total, edges: inner, referenceShares: rs, currentShares: cs };
}

/** numpy.histogram_bin_edges(data, bins='sturges'). */
export function sturgesEdges(data: Float64Array): number[] {
  let first = data[0] as number;
  let last = data[data.length - 1] as number;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = ((data[data.length - 1] as number) - (data[0] as number)) / (Math.log2(data.length) + 1);
  const nBins = width ? Math.ceil((last - first) / width) : 1;
  const step = (last - first) / nBins;
  const edges: number[] = [];
  for (let i = 0; i < nBins; i++) edges.push(first + i * step);
  edges.push(last);
  return edges;
}

/** numpy.histogram(data, edges): right-open bins except the last, which is closed. */
export function histogram(data: Float64Array, edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const lastEdge = edges[edges.length - 1] as number;
  for (const v of data) {
    if (v < (edges[0] as number) || v > lastEdge) continue;
    let i = searchRight(edges, v) - 1;
    if (i >= counts.length) i = counts.length - 1;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** scipy.spatial.distance.jensenshannon(p, q) with the natural log. */
export function jensenShannonOfCounts(p: number[], q: number[]): number {
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = (p[i] as number) / sp;
    const b = (q[i] as number) / sq;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(js / 2, 0));
}

export function jensenShannonNumeric(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const ref = sortedCopy(reference);
  const cur = sortedCopy(current);
  const pooled = Float64Array.from([...ref, ...cur]).sort();
  const edges = sturgesEdges(pooled);
  return jensenShannonOfCounts(histogram(ref, edges), histogram(cur, edges));
}

export function jensenShannonCategorical(
  reference: ArrayLike<Category | null | undefined>,
  current: ArrayLike<Category | null | undefined>,
): number {
  const ref = countCategories(reference);
  const cur = countCategories(current);
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  return jensenShannonOfCounts(
    keys.map((k) => ref.get(k) ?? 0),
    keys.map((k) => cur.get(k) ?? 0),
  );
}

/** scipy.stats.wasserstein_distance(u, v) for unweighted samples. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = sortedCopy(u);
  const b = sortedCopy(v);
  const all = Float64Array.from([...a, ...b]).sort();
  let ia = 0;
  let ib = 0;
  let total = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k] as number;
    while (ia < a.length && (a[ia] as number) <= x) ia++;
    while (ib < b.length && (b[ib] as number) <= x) ib++;
    total += Math.abs(ia / a.length - ib / b.length) * ((all[k + 1] as number) - x);
  }
  return total;
}

export function populationStd(values: ArrayLike<number>): number {
  const a = sortedCopy(values);
  let mean = 0;
  for (const v of a) mean += v;
  mean /= a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  return Math.sqrt(ss / a.length);
}

export function normalizedWasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinDistance(reference, current) / Math.max(populationStd(reference), 0.001);
}
