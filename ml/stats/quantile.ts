/**
 * numpy.quantile with its default 'linear' method (Hyndman & Fan type 7), the one quantile
 * used everywhere: validation statistics (and through them the run report) and drift's PSI bins.
 * Pure, so core/drift and workflow code can use it.
 */

/** numpy.quantile(sorted, q) on an ascending, NaN-free array; NaN for an empty one. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1] as number;
  const a = sorted[lo] as number;
  const b = sorted[lo + 1] as number;
  const t = h - lo;
  // numpy's _lerp: from the nearer end, so q = 1 gives exactly the max.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
