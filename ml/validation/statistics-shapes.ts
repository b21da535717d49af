/**
 * The shape of dataset statistics (TFDV's DatasetFeatureStatistics in spirit, as plain JSON):
 * what ./statistics.ts computes, what anomaly checks, schema inference and reports read.
 * Definitions: ./statistics.ts and docs/data-validation.md ("Statistics").
 */
import { z } from 'zod';
import type { ColumnType } from '../frame/frame';

export const QUANTILE_LEVELS = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1] as const;
export const HISTOGRAM_BINS = 10;
export const TOP_VALUES = 10;
/** String columns with at most this many distinct values list them all (`domain`). */
export const DOMAIN_LIMIT = 100;

const count = z.number().int().nonnegative();
const columnTypeOf = <T extends readonly [ColumnType, ...ColumnType[]]>(types: T) => z.enum(types);

export const quantilesSchema = z.object({
  p0: z.number(),
  p1: z.number(),
  p5: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
  p99: z.number(),
  p100: z.number(),
});
export type Quantiles = z.infer<typeof quantilesSchema>;

export const histogramSchema = z.object({
  /** HISTOGRAM_BINS + 1 ascending edges. */
  edges: z.array(z.number()),
  counts: z.array(count),
});
export type Histogram = z.infer<typeof histogramSchema>;

export const valueCountSchema = z.object({ value: z.string(), count });
export type ValueCount = z.infer<typeof valueCountSchema>;

const baseStatistics = {
  name: z.string(),
  /** Values present. */
  count,
  missing: count,
  /** missing / rows (0 for an empty dataset). */
  missingFraction: z.number().min(0).max(1),
  /** Distinct values present. */
  unique: count,
};

export const numericStatisticsSchema = z.object({
  ...baseStatistics,
  type: columnTypeOf(['number', 'timestamp']),
  /** Present values that are finite (count − nonFinite). */
  finite: count,
  /** +Infinity and −Infinity values. */
  nonFinite: count,
  positiveInfinity: count,
  negativeInfinity: count,
  zeros: count,
  /** Over the finite values; null when there is none. */
  mean: z.number().nullable(),
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  quantiles: quantilesSchema.nullable(),
  histogram: histogramSchema.nullable(),
  /** Timestamps only: min and max as ISO-8601. */
  minIso: z.string().optional(),
  maxIso: z.string().optional(),
});
export type NumericStatistics = z.infer<typeof numericStatisticsSchema>;

export const booleanStatisticsSchema = z.object({
  ...baseStatistics,
  type: columnTypeOf(['boolean']),
  trueCount: count,
  falseCount: count,
  topValues: z.array(valueCountSchema),
});
export type BooleanStatistics = z.infer<typeof booleanStatisticsSchema>;

export const stringStatisticsSchema = z.object({
  ...baseStatistics,
  type: columnTypeOf(['string']),
  topValues: z.array(valueCountSchema),
  /** Length of the present values in UTF-16 code units; null when there is none. */
  avgLength: z.number().nullable(),
  minLength: count.nullable(),
  maxLength: count.nullable(),
  /** Every distinct value with its count, most frequent first, when there are at most DOMAIN_LIMIT. */
  domain: z.array(valueCountSchema).optional(),
});
export type StringStatistics = z.infer<typeof stringStatisticsSchema>;

export const columnStatisticsSchema = z.union([numericStatisticsSchema, booleanStatisticsSchema, stringStatisticsSchema]);
export type ColumnStatistics = z.infer<typeof columnStatisticsSchema>;

/** Declared with zod so the validation report that stores them is checked when read. */
export const datasetStatisticsSchema = z.object({ rows: count, columns: z.array(columnStatisticsSchema) });
export type DatasetStatistics = z.infer<typeof datasetStatisticsSchema>;
