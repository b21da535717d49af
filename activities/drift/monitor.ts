/**
 * Drift monitoring activities (the drift_monitor DAG):
 *
 * - `driftComputeReport`: load the reference — the model's champion version in the registry: the
 *   sample of its reference `profile` when it has one, else its first `trainingData` artifact —
 *   or `referenceSource` when there is no champion — and the current production window
 *   (`currentSource`), compute per-column drift with core/drift's Evidently defaults, and write a
 *   report artifact with per-column statistics and histograms
 *   (`runs/drift_monitor/<workflowId>/drift/report.json`). With `performance`, also score the
 *   window's rows that carry a label and a prediction and compare with the champion's recorded
 *   metrics (./performance.ts; the champion is looked up even when `useChampion` is false, since
 *   its metrics are the only performance baseline): the report's `performance` section.
 * - `driftSignalController`: on dataset drift or performance drift, signal the model's retraining
 *   controller (signal-with-start), one alert naming both. The fingerprint is the monitoring run's
 *   workflow id, so a retried task or a replayed run never counts twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { datasetDrift, histogram, sturgesEdges, type ColumnData, type ColumnDrift } from '../../ml/drift';
import type { PerformanceDrift, PerformanceSpec } from '../../ml/drift/performance';
import { signalDrift } from '../../client/drift';
import { loadConfig } from '../../config/env';
import { getVersionByAlias, NotFoundError, type ModelVersion } from '../../registry';
import type { TaskContext } from '../context';
import { isReferenceProfile } from '../ml/profile';
import { readTable } from '../ml/read-table';
import { getArtifact, putArtifact, runArtifactKey, storeOf, type ArtifactStore, type StoreProvider } from '../ml/store';
import type { ArtifactRef, Row } from '../ml/types';
import { performanceColumns, performanceSection } from './performance';

export interface DriftComputeInput {
  model: string;
  currentSource: string;
  /** Used when the model has no champion version (or `useChampion` is false). */
  referenceSource?: string;
  useChampion: boolean;
  /** Columns to compare (default: every column present in both, minus `exclude`). */
  columns?: string[];
  exclude: string[];
  normalizeColumns: boolean;
  missingValues: string[];
  driftShare: number;
  /** Performance drift: predictions with labels in the window vs the champion's recorded metrics. */
  performance?: PerformanceSpec;
}

export interface DriftComputeOutput {
  model: string;
  drifted: boolean;
  share: number;
  driftedColumns: string[];
  columns: Array<Pick<ColumnDrift, 'column' | 'method' | 'score' | 'threshold' | 'drifted'>>;
  /** `profile`: the champion's reference profile sample was used (else its first training-data artifact). */
  reference: { kind: 'champion'; version: number; uri: string; profile?: boolean } | { kind: 'source'; source: string };
  report: ArtifactRef;
  /** Present when the input asked for performance drift. `drifted` above is dataset (data) drift only. */
  performance?: PerformanceDrift;
}

async function readRows(store: ArtifactStore, source: string, normalize: boolean, signal: AbortSignal): Promise<Row[]> {
  return (await readTable(source, store, signal, normalize)).rows;
}

async function findChampion(store: ArtifactStore, model: string): Promise<ModelVersion | undefined> {
  try {
    return await getVersionByAlias(store, model, 'champion');
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

async function loadReference(
  store: ArtifactStore,
  input: DriftComputeInput,
  champion: ModelVersion | undefined,
  signal: AbortSignal,
): Promise<{ rows: Row[]; ref: DriftComputeOutput['reference'] }> {
  const v = input.useChampion ? champion : undefined;
  if (v?.profile) {
    const profile = await getArtifact(store, v.profile);
    if (!isReferenceProfile(profile))
      throw ApplicationFailure.nonRetryable(
        `profile ${v.profile.uri} of ${input.model} v${v.version} is not a reference profile`,
        'BadBaseline',
      );
    return { rows: profile.sample, ref: { kind: 'champion', version: v.version, uri: v.profile.uri, profile: true } };
  }
  const data = v?.trainingData[0];
  if (v && data) {
    const rows = await getArtifact(store, data);
    if (!Array.isArray(rows))
      throw ApplicationFailure.nonRetryable(`training data ${data.uri} of ${input.model} v${v.version} is not a table`, 'BadBaseline');
    return { rows: rows as Row[], ref: { kind: 'champion', version: v.version, uri: data.uri } };
  }
  if (!input.referenceSource)
    throw ApplicationFailure.nonRetryable(
      `model ${input.model} has no champion with training data, and no referenceSource was given`,
      'NoBaseline',
    );
  return {
    rows: await readRows(store, input.referenceSource, input.normalizeColumns, signal),
    ref: { kind: 'source', source: input.referenceSource },
  };
}

function columnValues(rows: Row[], column: string, missing: Set<string>): Array<string | number | boolean | null> {
  return rows.map((r) => {
    const v = r[column];
    if (v === null || v === undefined || (typeof v === 'string' && (v.trim() === '' || missing.has(v)))) return null;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
    return String(v);
  });
}

function histogramOf(col: ColumnData): unknown {
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

export function computeDriftReport(storeProvider: StoreProvider = storeOf) {
  return async (input: DriftComputeInput, ctx: TaskContext): Promise<DriftComputeOutput> => {
    const store = storeProvider(ctx);
    const champion = input.useChampion || input.performance ? await findChampion(store, input.model) : undefined;
    const { rows: refRows, ref } = await loadReference(store, input, champion, ctx.signal);
    const curRows = await readRows(store, input.currentSource, input.normalizeColumns, ctx.signal);
    if (refRows.length === 0 || curRows.length === 0)
      throw ApplicationFailure.nonRetryable('reference and current data need at least one row', 'EmptyDataset');
    const missing = new Set(input.missingValues);
    const outputColumns = performanceColumns(input.performance);
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
    const performance = input.performance && performanceSection(input.model, curRows, input.performance, champion, input.missingValues);
    const report = await putArtifact(store, runArtifactKey(store, ctx, 'drift/report.json'), {
      format: 'tideflow.drift-report',
      version: 1,
      model: input.model,
      reference: ref,
      currentSource: input.currentSource,
      rows: { reference: refRows.length, current: curRows.length },
      ...result,
      histograms: Object.fromEntries(usable.map((c) => [c.name, histogramOf(c)])),
      ...(performance && { performance }),
    });
    const driftedColumns = result.columns.filter((c) => c.drifted).map((c) => c.column);
    ctx.log.info('drift computed', {
      model: input.model,
      drifted: result.drifted,
      share: result.share,
      driftedColumns,
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
    ...(performance ? [performance.summary] : []),
  ];
  const reason = `${reasons.join('; ')}; report ${r.report.uri}`;
  const kind = r.drifted && performance ? 'data+performance' : performance ? 'performance' : 'data';
  const labels = { model: r.model, report: r.report.uri, kind, ...(performance && { metrics: performance.driftedMetrics.join(',') }) };
  const sent = await signalDrift(
    c,
    r.model,
    { fingerprint: `drift_monitor:${ctx.workflowId}`, reason, source: 'monitoring', labels },
    { taskQueue },
  );
  return { signalled: true, controller: sent.workflowId };
}

export const driftActivities = { driftComputeReport: computeDriftReport(), driftSignalController };
