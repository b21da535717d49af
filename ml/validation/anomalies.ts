/**
 * Anomalies: where a dataset departs from its declared schema (TFDV's validate_statistics, with
 * examples). Dataset-level checks (row count, new and missing columns) live here; the per-column
 * value checks in ./column-checks.ts. Every message names the column and the numbers, so the
 * summary of a failed task reads on its own.
 */
import { InputError } from '../../core/errors';
import type { Frame, FrameColumn } from '../frame/frame';
import { checkColumn } from './column-checks';
import { count, percent } from './format';
import type { DataSchema } from './schema';
import type { ColumnStatistics, DatasetStatistics } from './statistics';

import type { Anomaly } from './anomaly';
export { ANOMALY_KINDS, anomalySchema, type Anomaly, type AnomalyKind } from './anomaly';

export interface AnomalyOptions {
  /** Row count of the previous run's dataset, for `maxRowCountChange`; null/undefined = none known. */
  previousRowCount?: number | null;
}

function rowCountAnomalies(rows: number, schema: DataSchema, previous: number | null | undefined): Anomaly[] {
  const out: Anomaly[] = [];
  if (rows < schema.minRows) {
    const message =
      rows === 0
        ? `the dataset is empty (0 rows): an empty partition, or no row in the run's data interval; at least ${count(schema.minRows)} required`
        : `the dataset has ${count(rows)} row${rows === 1 ? '' : 's'}, fewer than minRows ${count(schema.minRows)}`;
    out.push({ column: null, kind: 'too_few_rows', severity: 'error', message, details: { rows, minRows: schema.minRows } });
  }
  if (schema.maxRowCountChange !== undefined && previous !== null && previous !== undefined && previous > 0) {
    const change = (rows - previous) / previous;
    if (Math.abs(change) > schema.maxRowCountChange) {
      const direction = change < 0 ? 'fewer' : 'more';
      out.push({
        column: null,
        kind: 'row_count_change',
        severity: schema.rowCountChangeSeverity,
        message: `the dataset has ${count(rows)} rows, ${percent(Math.abs(change))} ${direction} than the previous run's ${count(previous)} (allowed change ±${percent(schema.maxRowCountChange)})`,
        details: { rows, previousRows: previous, change, maxChange: schema.maxRowCountChange },
      });
    }
  }
  return out;
}

function listColumns(frame: Frame): string {
  const names = frame.columns.map((c) => c.name);
  return names.length <= 20 ? names.join(', ') : `${names.slice(0, 20).join(', ')}, … (${names.length} in all)`;
}

/** Every anomaly of `frame` (whose statistics are `stats`) against `schema`: dataset level first, then by column in schema order, then new columns. */
export function detectAnomalies(frame: Frame, stats: DatasetStatistics, schema: DataSchema, o: AnomalyOptions = {}): Anomaly[] {
  const anomalies = rowCountAnomalies(frame.rows, schema, o.previousRowCount);
  const columns = new Map<string, FrameColumn>(frame.columns.map((c) => [c.name, c]));
  const statsByName = new Map<string, ColumnStatistics>(stats.columns.map((c) => [c.name, c]));
  for (const [name, spec] of Object.entries(schema.columns)) {
    const col = columns.get(name);
    const found: Anomaly[] = [];
    if (!col) {
      if (spec.required) {
        found.push({
          column: name,
          kind: 'missing_column',
          severity: 'error',
          message: `column '${name}' (${spec.type}) is required but absent from the dataset (columns: ${listColumns(frame)})`,
          details: { declaredType: spec.type },
        });
      }
    } else {
      const st = statsByName.get(name);
      if (!st) throw new InputError(`no statistics for column '${name}': statistics and frame differ`);
      found.push(...checkColumn(col, st, spec, frame.rows));
    }
    for (const a of found) anomalies.push(spec.severity ? { ...a, severity: spec.severity } : a);
  }
  if (schema.newColumns !== 'ignore') {
    for (const col of frame.columns) {
      if (Object.hasOwn(schema.columns, col.name)) continue;
      anomalies.push({
        column: col.name,
        kind: 'new_column',
        severity: schema.newColumns,
        message: `column '${col.name}' (${col.type}) is not declared in the schema`,
        details: { type: col.type },
      });
    }
  }
  return anomalies;
}

export const isBlocking = (a: Anomaly): boolean => a.severity === 'error';
