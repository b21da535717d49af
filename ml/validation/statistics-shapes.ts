/**
 * The shape of dataset statistics (TFDV's DatasetFeatureStatistics in spirit, as plain JSON):
 * what ./statistics.ts computes, what anomaly checks, schema inference and reports read.
 * Definitions: ./statistics.ts and docs/data-validation.md ("Statistics").
 */
import type { ColumnType } from '../frame/frame';

export const QUANTILE_LEVELS = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1] as const;
export const HISTOGRAM_BINS = 10;
export const TOP_VALUES = 10;
/** String columns with at most this many distinct values list them all (`domain`). */
export const DOMAIN_LIMIT = 100;

export interface Quantiles {
  p0: number;
  p1: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  p100: number;
}

export interface Histogram {
  /** HISTOGRAM_BINS + 1 ascending edges. */
  edges: number[];
  counts: number[];
}

export interface ValueCount {
  value: string;
  count: number;
}

interface BaseStatistics {
  name: string;
  type: ColumnType;
  /** Values present. */
  count: number;
  missing: number;
  /** missing / rows (0 for an empty dataset). */
  missingFraction: number;
  /** Distinct values present. */
  unique: number;
}

export interface NumericStatistics extends BaseStatistics {
  type: 'number' | 'timestamp';
  /** Present values that are finite (count − nonFinite). */
  finite: number;
  /** +Infinity and −Infinity values. */
  nonFinite: number;
  positiveInfinity: number;
  negativeInfinity: number;
  zeros: number;
  /** Over the finite values; null when there is none. */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  quantiles: Quantiles | null;
  histogram: Histogram | null;
  /** Timestamps only: min and max as ISO-8601. */
  minIso?: string;
  maxIso?: string;
}

export interface BooleanStatistics extends BaseStatistics {
  type: 'boolean';
  trueCount: number;
  falseCount: number;
  topValues: ValueCount[];
}

export interface StringStatistics extends BaseStatistics {
  type: 'string';
  topValues: ValueCount[];
  /** Length of the present values in UTF-16 code units; null when there is none. */
  avgLength: number | null;
  minLength: number | null;
  maxLength: number | null;
  /** Every distinct value with its count, most frequent first, when there are at most DOMAIN_LIMIT. */
  domain?: ValueCount[];
}

export type ColumnStatistics = NumericStatistics | BooleanStatistics | StringStatistics;

export interface DatasetStatistics {
  rows: number;
  columns: ColumnStatistics[];
}
