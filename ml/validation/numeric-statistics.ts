/**
 * Statistics of a number or timestamp column, from one native sort of its finite values (the
 * sorted copy gives min, max, quantiles, the histogram and the distinct count). Definitions in
 * ./statistics.ts: numpy's default quantiles and numpy.histogram's bins.
 */
import { quantileSorted } from '../stats/quantile';
import { HISTOGRAM_BINS, QUANTILE_LEVELS, type Histogram, type NumericStatistics, type Quantiles } from './statistics-shapes';

/** First index i with sorted[i] >= x (or sorted.length). */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy.histogram(sorted, bins) counts and edges, on an ascending, finite, non-empty array. */
export function histogramSorted(sorted: Float64Array, bins = HISTOGRAM_BINS): Histogram {
  let first = sorted[0] as number;
  let last = sorted[sorted.length - 1] as number;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // numpy.linspace: i · step + start, the last edge exactly `last`.
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? last : i * step + first));
  const counts: number[] = [];
  for (let i = 0; i < bins; i++) {
    const from = lowerBound(sorted, edges[i] as number);
    const to = i === bins - 1 ? sorted.length : lowerBound(sorted, edges[i + 1] as number);
    counts.push(to - from);
  }
  return { edges, counts };
}

export function numericStatistics(name: string, type: 'number' | 'timestamp', values: Float64Array): NumericStatistics {
  const n = values.length;
  const finiteValues = new Float64Array(n);
  let finite = 0;
  let missing = 0;
  let pos = 0;
  let neg = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v !== v) missing++;
    else if (v === Infinity) pos++;
    else if (v === -Infinity) neg++;
    else {
      if (v === 0) zeros++;
      finiteValues[finite++] = v;
    }
  }
  const count = n - missing;
  const base = {
    name,
    type,
    count,
    missing,
    missingFraction: n === 0 ? 0 : missing / n,
    finite,
    nonFinite: pos + neg,
    positiveInfinity: pos,
    negativeInfinity: neg,
    zeros,
  };
  const infinities = (pos > 0 ? 1 : 0) + (neg > 0 ? 1 : 0);
  if (finite === 0) return { ...base, unique: infinities, mean: null, std: null, min: null, max: null, quantiles: null, histogram: null };
  const sorted = finiteValues.subarray(0, finite).sort();
  // Neumaier-compensated sums: the mean and std agree with numpy's pairwise sums to ~1e-15.
  let sum = 0;
  let comp = 0;
  let unique = 1;
  for (let i = 0; i < finite; i++) {
    const v = sorted[i] as number;
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
    if (i > 0 && v !== sorted[i - 1]) unique++;
  }
  const mean = (sum + comp) / finite;
  let sq = 0;
  let sqComp = 0;
  for (let i = 0; i < finite; i++) {
    const d = (sorted[i] as number) - mean;
    const v = d * d;
    const t = sq + v;
    sqComp += sq >= v ? sq - t + v : v - t + sq;
    sq = t;
  }
  // + 0 turns −0 into 0 (as JSON would print it; numpy reports the first of equal values).
  const min = (sorted[0] as number) + 0;
  const max = (sorted[finite - 1] as number) + 0;
  const q = QUANTILE_LEVELS.map((level) => quantileSorted(sorted, level) + 0);
  const quantiles: Quantiles = { p0: q[0]!, p1: q[1]!, p5: q[2]!, p25: q[3]!, p50: q[4]!, p75: q[5]!, p95: q[6]!, p99: q[7]!, p100: q[8]! };
  const stats: NumericStatistics = {
    ...base,
    unique: unique + infinities,
    mean,
    std: Math.sqrt((sq + sqComp) / finite),
    min,
    max,
    quantiles,
    histogram: histogramSorted(sorted),
  };
  if (type === 'timestamp') {
    stats.minIso = new Date(min).toISOString();
    stats.maxIso = new Date(max).toISOString();
  }
  return stats;
}
