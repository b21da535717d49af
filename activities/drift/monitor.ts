/**
 * Drift monitoring activities (the drift_monitor DAG):
 *
 * - `driftComputeReport`: load the production window — a table source, or one day partition of the
 *   model's prediction log with its late labels joined (./prediction-log.ts) — and the reference: a
 *   registry version's reference `profile` sample (else its first `trainingData` artifact), that
 *   version being the champion for a table source and the version that answered the window for a
 *   log partition; or `referenceSource` when there is no such version. Compute per-column drift with
 *   ml/drift's Evidently defaults and write a report artifact with per-column statistics and
 *   histograms (`runs/drift_monitor/<workflowId>/drift/report.json`). With `performance`, also score
 *   the window's rows that carry a label and a prediction and compare with that version's recorded
 *   test metrics (./performance.ts; the version is looked up even when `useChampion` is false, since
 *   its metrics are the only performance baseline): the report's `performance` section.
 * - `driftSignalController`: on dataset drift or performance drift, signal the model's retraining
 *   controller (signal-with-start), one alert naming both (and the performance verdict when it is
 *   not drift, e.g. too few labels). The fingerprint is the monitoring run's workflow id, so a
 *   retried task or a replayed run never counts twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../../core/errors';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { datasetDrift, histogram, sturgesEdges, type ColumnData, type ColumnDrift } from '../../ml/drift';
import type { PerformanceSpec } from '../../ml/drift/performance';
import type { PerformanceDrift } from '../../ml/drift/performance-compare';
import { signalDrift } from '../../client/drift';
import { loadConfig } from '../../config/env';
import type { TaskContext } from '../context';
import { readTable } from '../ml/read-table';
import { putArtifact, runArtifactKey, storeOf, type ArtifactStore, type StoreProvider } from '../ml/store';
import type { ArtifactRef, Row } from '../ml/types';
import { AUTO_PERFORMANCE, autoPerformanceSpec } from '../../ml/drift/auto-performance';
import { readModel } from '../ml/model-artifact';
import { findChampion, loadReference, servedVersion, type Baseline, type ReferenceInfo } from './baseline';
import { performanceColumns, performanceSection } from './performance';
import { driftReport, type DriftReport, type WindowSummary } from './report-format';
import { isPredictionLogSource, readPredictionLogWindow, type PredictionLogSource, type PredictionLogWindow } from './prediction-log';

export interface DriftComputeInput {
  model: string;
  /** A table source, or one day partition of the model's prediction log (./prediction-log.ts). */
  currentSource: string | PredictionLogSource;
  /** Used when the model has no champion version (or `useChampion` is false). */
  referenceSource?: string;
  /** Compare with the registry's baseline version: the champion, or for a log window the version that answered it. */
  useChampion: boolean;
  /** Columns to compare (default: every column present in both, minus `exclude`). */
  columns?: string[];
  exclude: string[];
  normalizeColumns: boolean;
  missingValues: string[];
  driftShare: number;
  /** Performance drift: predictions with labels in the window vs the baseline version's recorded test metrics ("auto": from the version and the log). */
  performance?: PerformanceSpec | typeof AUTO_PERFORMANCE;
}

export type { WindowSummary } from './report-format';

export interface DriftComputeOutput {
  model: string;
  drifted: boolean;
  share: number;
  driftedColumns: string[];
  columns: Array<Pick<ColumnDrift, 'column' | 'method' | 'score' | 'threshold' | 'drifted'>>;
  reference: ReferenceInfo;
  report: ArtifactRef;
  /** Present when the input asked for performance drift. `drifted` above is dataset (data) drift only. */
  performance?: PerformanceDrift;
  /** Present when the window is a prediction-log partition. */
  window?: WindowSummary;
}

async function readRows(store: ArtifactStore, source: string, normalize: boolean, signal: AbortSignal): Promise<Row[]> {
  return (await readTable(source, store, signal, normalize)).rows;
}

function columnValues(rows: Row[], column: string, missing: Set<string>): Array<string | number | boolean | null> {
  return rows.map((r) => {
    const v = r[column];
    if (v === null || v === undefined || (typeof v === 'string' && (v.trim() === '' || missing.has(v)))) return null;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
    return String(v);
  });
}

function histogramOf(col: ColumnData): DriftReport['histograms'][string] {
  if (col.kind === 'numeric') {
    const ref = Float64Array.from(col.reference.filter((v): v is number => typeof v === 'number')).sort();
    const cur = Float64Array.from(col.current.filter((v): v is number => typeof v === 'number')).sort();
    const edges = sturgesEdges(Float64Array.from([...ref, ...cur]).sort());
    return { edges, reference: histogram(ref, edges), current: histogram(cur, edges) };
  }
  const count = (vs: readonly unknown[]) =>
    vs.reduce<Record<string, number>>((acc, v) => (v === null ? acc : { ...acc, [String(v)]: (acc[String(v)] ?? 0) + 1 }), {});
  return { reference: count(col.reference), current: count(col.current) };
}

interface Current {
  rows: Row[];
  /** What the report names as the current data. */
  source: string;
  baseline: Baseline | undefined;
  window?: WindowSummary;
}

/** The production window and the registry version it is judged against. */
async function loadCurrent(store: ArtifactStore, input: DriftComputeInput, signal: AbortSignal): Promise<Current> {
  const needsVersion = input.useChampion || input.performance !== undefined;
  if (!isPredictionLogSource(input.currentSource)) {
    const champion = needsVersion ? await findChampion(store, input.model) : undefined;
    return {
      rows: await readRows(store, input.currentSource, input.normalizeColumns, signal),
      source: input.currentSource,
      baseline: champion && { version: champion, kind: 'champion' },
    };
  }
  const w: PredictionLogWindow = await readPredictionLogWindow(store, input.currentSource);
  const version = needsVersion ? await servedVersion(store, input.model, w.version, w.location) : undefined;
  const { rows, location, day, versions, files, labelFiles, labelColumns, labeledRows, sampledFrom } = w;
  return {
    rows,
    source: location,
    baseline: version && { version, kind: 'version' },
    window: {
      location,
      day,
      version: w.version,
      versions,
      files,
      labelFiles,
      labelColumns,
      rows: rows.length,
      labeledRows,
      ...(sampledFrom !== undefined && { sampledFrom }),
    },
  };
}

/** Why a log window may lack labels: none joined yet, or joined under another column than performance.labelColumn. */
function labelNote(window: WindowSummary | undefined, spec: PerformanceSpec | undefined): string | undefined {
  if (!window || !spec) return undefined;
  if (window.labelFiles === 0) return `no labels joined to ${window.location} yet (tideflow predictions label)`;
  if (window.labelColumns.includes(spec.labelColumn)) return undefined;
  return `the labels files of ${window.location} hold ${window.labelColumns.map((c) => `'${c}'`).join(', ')}, not performance.labelColumn '${spec.labelColumn}'`;
}

/** The performance spec: as given, or for "auto" from the window's version (its task and classes) and its labels. */
async function performanceSpec(store: ArtifactStore, input: DriftComputeInput, current: Current): Promise<PerformanceSpec | undefined> {
  if (input.performance !== AUTO_PERFORMANCE) return input.performance;
  if (!current.window || !current.baseline)
    throw new InputError('performance "auto" needs a prediction-log window (currentSource: {"predictionLog": "<model>"})');
  const { artifact } = await readModel(store, current.baseline.version.model);
  return autoPerformanceSpec(artifact, current.window.labelColumns, current.window.location);
}

export function computeDriftReport(storeProvider: StoreProvider = storeOf) {
  return async (input: DriftComputeInput, ctx: TaskContext): Promise<DriftComputeOutput> => {
    const store = storeProvider(ctx);
    const current = await loadCurrent(store, input, ctx.signal);
    const baseline = current.baseline;
    const { rows: refRows, ref } = await loadReference(store, input, input.useChampion ? baseline : undefined, ctx.signal);
    const curRows = current.rows;
    const spec = await performanceSpec(store, input, current);
    if (refRows.length === 0 || curRows.length === 0)
      throw ApplicationFailure.nonRetryable('reference and current data need at least one row', 'EmptyDataset');
    const missing = new Set(input.missingValues);
    // The label joined to a log window is the target, not an input (label drift is not data drift).
    const outputColumns = [...performanceColumns(spec), ...(current.window?.labelColumns ?? [])];
    const names =
      input.columns ??
      Object.keys(refRows[0] ?? {}).filter((c) => c in (curRows[0] ?? {}) && !input.exclude.includes(c) && !outputColumns.includes(c));
    const columns: ColumnData[] = names.map((name) => {
      const reference = columnValues(refRows, name, missing);
      const current = columnValues(curRows, name, missing);
      const numeric = [...reference, ...current].every((v) => v === null || typeof v === 'number');
      return { name, kind: numeric ? 'numeric' : 'categorical', reference, current };
    });
    const usable = columns.filter((c) => c.reference.some((v) => v !== null) && c.current.some((v) => v !== null));
    const result = datasetDrift(usable, { driftShare: input.driftShare });
    const performance =
      spec && performanceSection(input.model, curRows, spec, baseline?.version, input.missingValues, labelNote(current.window, spec));
    const doc: DriftReport = {
      ...driftReport.head,
      model: input.model,
      reference: ref,
      currentSource: current.source,
      ...(current.window && { window: current.window }),
      rows: { reference: refRows.length, current: curRows.length },
      ...result,
      histograms: Object.fromEntries(usable.map((c) => [c.name, histogramOf(c)])),
      ...(performance && { performance }),
    };
    const report = await putArtifact(store, runArtifactKey(store, ctx, 'drift/report.json'), doc);
    const driftedColumns = result.columns.filter((c) => c.drifted).map((c) => c.column);
    ctx.log.info('drift computed', {
      model: input.model,
      drifted: result.drifted,
      share: result.share,
      driftedColumns,
      ...(current.window && { window: current.window.location, version: current.window.version }),
      ...(performance && { performance: performance.summary }),
    });
    return {
      model: input.model,
      drifted: result.drifted,
      share: result.share,
      driftedColumns,
      columns: result.columns.map(({ column, method, score, threshold, drifted }) => ({ column, method, score, threshold, drifted })),
      reference: ref,
      report,
      ...(performance && { performance }),
      ...(current.window && { window: current.window }),
    };
  };
}

/**
 * The worker's own Temporal client (every activity has it), and the configured task queue for
 * the controllers it starts — not this task's queue, which may be a special-purpose one.
 */
export async function temporal(): Promise<{ client: Client; taskQueue: string }> {
  return { client: Context.current().client, taskQueue: loadConfig(process.env).taskQueue };
}

export async function driftSignalController(
  input: { report: DriftComputeOutput },
  ctx: TaskContext,
): Promise<{ signalled: boolean; controller?: string }> {
  const r = input.report;
  const performance = r.performance?.drifted ? r.performance : undefined;
  if (!r.drifted && !performance) return { signalled: false };
  const { client: c, taskQueue } = await temporal();
  const reasons = [
    ...(r.drifted ? [`dataset drift: ${r.driftedColumns.length}/${r.columns.length} columns (${r.driftedColumns.join(', ')})`] : []),
    // Not drift, but said: "performance: insufficient labels: 12 labeled rows < minLabeledRows 30".
    ...(r.performance ? [r.performance.drifted ? r.performance.summary : `performance: ${r.performance.summary}`] : []),
  ];
  const reason = `${reasons.join('; ')}; report ${r.report.uri}`;
  const kind = r.drifted && performance ? 'data+performance' : performance ? 'performance' : 'data';
  const labels = {
    model: r.model,
    report: r.report.uri,
    kind,
    ...(performance && { metrics: performance.driftedMetrics.join(',') }),
    ...(r.performance && { performance: r.performance.status }),
    ...(r.window && { window: r.window.location, version: String(r.window.version) }),
  };
  const sent = await signalDrift(
    c,
    r.model,
    { fingerprint: `drift_monitor:${ctx.workflowId}`, reason, source: 'monitoring', labels },
    { taskQueue },
  );
  return { signalled: true, controller: sent.workflowId };
}

export const driftActivities = { driftComputeReport: computeDriftReport(), driftSignalController };
