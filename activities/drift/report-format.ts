/**
 * The drift report (`runs/drift_monitor/<workflowId>/drift/report.json`), declared once with
 * defineArtifact: its type is the schema's z.infer, so the writer (./monitor.ts) and any reader
 * check the same shape; the writer's document is typed by it, so what ml/drift computes
 * (ColumnDrift, PerformanceDrift) must fit it or the writer does not compile. Version 1 covers every report written so far: the first ones (no
 * `window`, no `performance`, references without `profile`) read as they are.
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import type { DriftMethod } from '../../ml/drift';
import { PERFORMANCE_METRICS, type PerformanceTask } from '../../ml/drift/performance';
import type { MetricVerdict, PerformanceStatus } from '../../ml/drift/performance-compare';

const count = z.number().int().nonnegative();

/** What the current window was compared with: a registry version's data, or a source. */
export const referenceInfoSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('champion'), version: z.number().int(), uri: z.string(), profile: z.boolean().optional() }),
  /** The version that answered a prediction-log window (champion or not). */
  z.object({ kind: z.literal('version'), version: z.number().int(), uri: z.string(), profile: z.boolean().optional() }),
  z.object({ kind: z.literal('source'), source: z.string() }),
]);
export type ReferenceInfo = z.infer<typeof referenceInfoSchema>;

/** A prediction-log window: which partition, which version's rows, how many labels joined. */
export const windowSummarySchema = z.object({
  location: z.string(),
  day: z.string(),
  version: z.number().int(),
  versions: z.record(z.string(), count),
  files: count,
  labelFiles: count,
  labelColumns: z.array(z.string()),
  rows: count,
  labeledRows: count,
  /** Set when `rows` is a sample: the version's rows that day. */
  sampledFrom: count.optional(),
});
export type WindowSummary = z.infer<typeof windowSummarySchema>;

const DRIFT_METHODS = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const satisfies readonly DriftMethod[];

/** One column's verdict (ml/drift's ColumnDrift, as stored). */
const columnDriftSchema = z.object({
  column: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  method: z.enum(DRIFT_METHODS),
  /** p-value for ks/chisquare/z, distance for the others. */
  score: z.number(),
  statistic: z.number(),
  threshold: z.number(),
  drifted: z.boolean(),
  referenceRows: count,
  currentRows: count,
  unseenCategories: z.array(z.string()).optional(),
});

/** Numeric columns: counts per bin between shared edges; categorical ones: counts per value. */
const histogramSchema = z.union([
  z.object({ edges: z.array(z.number()), reference: z.array(count), current: z.array(count) }),
  z.object({ reference: z.record(z.string(), count), current: z.record(z.string(), count) }),
]);

const metricComparisonSchema = z.object({
  metric: z.enum(PERFORMANCE_METRICS),
  higherIsBetter: z.boolean(),
  current: z.number().optional(),
  champion: z.number().optional(),
  championKey: z.string().optional(),
  degradation: z.number().optional(),
  relativeDegradation: z.number().optional(),
  maxDrop: z.number().optional(),
  maxRelativeDrop: z.number().optional(),
  verdict: z.enum(['drift', 'ok', 'not_compared'] as const satisfies readonly MetricVerdict[]),
  reason: z.string(),
});

/** Performance drift of the window's labelled rows against the version's recorded metrics. */
const performanceSchema = z.object({
  rows: count,
  labeledRows: count,
  missingLabel: count,
  missingPrediction: count,
  status: z.enum(['drift', 'ok', 'not_compared', 'insufficient_labels'] as const satisfies readonly PerformanceStatus[]),
  drifted: z.boolean(),
  task: z.enum(['classification', 'regression'] as const satisfies readonly PerformanceTask[]),
  minLabeledRows: count,
  champion: z.object({ version: z.number().int() }).nullable(),
  metrics: z.array(metricComparisonSchema),
  driftedMetrics: z.array(z.enum(PERFORMANCE_METRICS)),
  summary: z.string(),
  classes: z.array(z.string()).optional(),
});

export const driftReport = defineArtifact('tideflow.drift-report', 1, {
  model: z.string(),
  reference: referenceInfoSchema,
  /** What the report names as the current data (a source, or the log partition's location). */
  currentSource: z.string(),
  window: windowSummarySchema.optional(),
  rows: z.object({ reference: count, current: count }),
  columns: z.array(columnDriftSchema),
  driftedColumns: count,
  share: z.number(),
  driftShare: z.number(),
  drifted: z.boolean(),
  histograms: z.record(z.string(), histogramSchema),
  performance: performanceSchema.optional(),
});
export type DriftReport = ArtifactOf<typeof driftReport>;
