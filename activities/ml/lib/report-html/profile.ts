/**
 * reportColumns: the report's per-column statistics from a Frame, so the report activity does not
 * have to derive them by hand. Pure (no I/O). Numeric statistics use the finite values only
 * (±Infinity is an anomaly that validation reports; it would flatten every histogram); missing =
 * NaN / null as in the Frame. Quantiles interpolate linearly (numpy's default), std is the
 * population one (ddof = 0), histograms have equal-width bins (Sturges' count, at most `maxBins`).
 */
import type { Frame, FrameColumn } from '../frame';
import type { ReportColumn } from './types';

export interface ReportColumnsOptions {
  /** Histogram bins at most (default 30). */
  maxBins?: number;
  /** Most frequent values kept for categorical columns (default 20). */
  topValues?: number;
  /** Quantiles to compute, as fractions (default 0.05, 0.25, 0.5, 0.75, 0.95 → p5 … p95). */
  quantiles?: readonly number[];
}

const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/** Linear-interpolated quantile of ascending `sorted` (numpy's default method). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? NaN;
  return a + (b - a) * (pos - lo);
}

/** Equal-width histogram over [min, max] of ascending `sorted`; the last bin includes max. */
export function equalWidthHistogram(sorted: Float64Array, maxBins: number): { edges: number[]; counts: number[] } {
  const n = sorted.length;
  const min = sorted[0] ?? 0;
  const max = sorted[n - 1] ?? 0;
  const bins = max > min ? Math.max(1, Math.min(maxBins, Math.ceil(Math.log2(n)) + 1)) : 1;
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + width * i));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    const k = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { edges, counts };
}

function topOf(freq: Map<string, number>, k: number): { value: string; count: number }[] {
  return [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, k).map(([value, count]) => ({ value, count }));
}

function numericStats(col: Extract<FrameColumn, { type: 'number' | 'boolean' | 'timestamp' }>, rows: number, o: Required<ReportColumnsOptions>): ReportColumn {
  const v = col.values;
  let missing = 0;
  let finite = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (Number.isNaN(x)) missing++;
    else if (Number.isFinite(x)) finite++;
  }
  const sorted = new Float64Array(finite);
  let j = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i] as number)) sorted[j++] = v[i] as number;
  sorted.sort();
  let sum = 0;
  for (let i = 0; i < finite; i++) sum += sorted[i] as number;
  const mean = finite ? sum / finite : NaN;
  let ss = 0;
  for (let i = 0; i < finite; i++) ss += ((sorted[i] as number) - mean) ** 2;
  let unique = 0;
  for (let i = 0; i < finite; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
  const out: ReportColumn = {
    name: col.name,
    type: col.type,
    count: v.length - missing,
    missing,
    missingFraction: rows > 0 ? missing / rows : 0,
    unique,
  };
  if (finite === 0) return out;
  out.mean = mean;
  out.std = Math.sqrt(ss / finite);
  out.min = sorted[0] as number;
  out.max = sorted[finite - 1] as number;
  if (col.type === 'boolean') {
    let trues = 0;
    for (let i = 0; i < finite; i++) if (sorted[i] === 1) trues++;
    const counts = new Map<string, number>();
    if (trues > 0) counts.set('true', trues);
    if (finite - trues > 0) counts.set('false', finite - trues);
    out.topValues = topOf(counts, 2);
    return out;
  }
  out.quantiles = Object.fromEntries(o.quantiles.map((q) => [`p${Math.round(q * 1000) / 10}`, quantileSorted(sorted, q)]));
  out.histogram = equalWidthHistogram(sorted, o.maxBins);
  return out;
}

function stringStats(col: Extract<FrameColumn, { type: 'string' }>, rows: number, o: Required<ReportColumnsOptions>): ReportColumn {
  const freq = new Map<string, number>();
  let missing = 0;
  for (const s of col.values) {
    if (s === null) missing++;
    else freq.set(s, (freq.get(s) ?? 0) + 1);
  }
  return { name: col.name, type: 'string', count: col.values.length - missing, missing, missingFraction: rows > 0 ? missing / rows : 0, unique: freq.size, topValues: topOf(freq, o.topValues) };
}

/** One ReportColumn per Frame column, in order. */
export function reportColumns(frame: Frame, options: ReportColumnsOptions = {}): ReportColumn[] {
  const o: Required<ReportColumnsOptions> = { maxBins: options.maxBins ?? 30, topValues: options.topValues ?? 20, quantiles: options.quantiles ?? DEFAULT_QUANTILES };
  return frame.columns.map((c) => (c.type === 'string' ? stringStats(c, frame.rows, o) : numericStats(c, frame.rows, o)));
}
