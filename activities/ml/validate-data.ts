/**
 * validateData: TFDV-style validation of a dataset artifact against a declared schema
 * (./lib/validation). Computes statistics and anomalies, writes them as ONE JSON report artifact
 * (`runs/<dag>/<run>/validation/report.json`), and fails the task — non-retryable, type
 * 'DataValidationFailed', with a readable summary — when an anomaly is blocking ('error'). The
 * report is written first, so a failed run still shows what was wrong.
 *
 * Row-count change vs the previous run (`previousRowCount: 'auto'`): each successful validation
 * updates the DAG task's row-count pointer (./row-count-pointer.ts) and 'auto' compares with it.
 * A failed validation leaves it alone, so one bad partition does not become the next run's
 * baseline. "Previous" is the last run that validated successfully, in wall-clock order (a
 * backfill of old dates updates it too).
 */
import { FailureType, InputError } from '../../core/errors';
import type { TaskContext } from '../context';
import { readDataset, type DatasetRef } from './dataset';
import { readPreviousRowCount, writeRowCountPointer } from './row-count-pointer';
import type { ColumnType } from '../../ml/frame/frame';
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import {
  anomalySchema,
  dataSchema,
  datasetStatisticsSchema,
  isBlocking,
  parseDataSchema,
  summarizeAnomalies,
  type Anomaly,
  type DataSchema,
  type DataSchemaInput,
} from '../../ml/validation';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { putArtifact, runArtifactKey, type ArtifactStore, type StoreProvider } from './store';
import type { ArtifactRef } from './types';

export interface ValidateDataInput {
  dataset: DatasetRef;
  schema: DataSchemaInput;
  /** Row count to compare with (schema.maxRowCountChange): 'auto' = the previous successful run's; null/absent = none. */
  previousRowCount?: 'auto' | number | null;
}

export interface ColumnSummary {
  name: string;
  type: ColumnType;
  missingFraction: number;
  unique: number;
}

export interface ValidateDataOutput {
  /** The input dataset, unchanged (downstream tasks take it from here). */
  dataset: DatasetRef;
  /** The full report: statistics, anomalies, schema. */
  report: ArtifactRef;
  rows: number;
  /** Warnings (a passing validation has no error), at most MAX_OUTPUT_ANOMALIES; all are in the report. */
  anomalies: Anomaly[];
  anomalyCount: number;
  blocking: 0;
  previousRowCount: number | null;
  /** Per column, at most MAX_OUTPUT_COLUMNS. */
  columns: ColumnSummary[];
}

/** The report artifact (`validation/report.json`), declared once: its type is the schema's z.infer. */
export const validationReport = defineArtifact('tideflow.validation', 1, {
  dataset: z.object({ uri: z.string(), sha256: z.string(), rows: z.number().int().nonnegative() }),
  previousRowCount: z.number().int().nonnegative().nullable(),
  /** The declared schema, defaults applied. */
  schema: dataSchema,
  statistics: datasetStatisticsSchema,
  anomalies: z.array(anomalySchema),
});
export type ValidationReport = ArtifactOf<typeof validationReport>;

export const MAX_OUTPUT_ANOMALIES = 20;
export const MAX_OUTPUT_COLUMNS = 100;

async function previousRows(s: ArtifactStore, input: ValidateDataInput, ctx: TaskContext): Promise<number | null> {
  const p = input.previousRowCount;
  if (p === undefined || p === null) return null;
  if (p !== 'auto') {
    if (!Number.isInteger(p) || p < 0)
      throw new InputError(`previousRowCount must be 'auto', null or a row count ≥ 0, got ${JSON.stringify(p)}`);
    return p;
  }
  return readPreviousRowCount(s, ctx);
}

export function validateData(store: StoreProvider) {
  return async (input: ValidateDataInput, ctx: TaskContext): Promise<ValidateDataOutput> => {
    let schema: DataSchema;
    try {
      schema = parseDataSchema(input.schema);
    } catch (err) {
      throw new InputError((err as Error).message, { type: FailureType.InvalidDataSchema });
    }
    const s = store(ctx);
    const previousRowCount = await previousRows(s, input, ctx);
    const frame = await heartbeating(ctx, READING, () => readDataset(s, input.dataset));
    // Statistics over every row: in a worker thread for a large dataset (offload/jobs/statistics.ts).
    const { statistics, anomalies } = await offloadForTask(
      ctx,
      'validateDataset',
      { frame, schema, previousRowCount },
      { rows: frame.rows },
    );
    const report: ValidationReport = {
      ...validationReport.head,
      dataset: { uri: input.dataset.uri, sha256: input.dataset.sha256, rows: frame.rows },
      previousRowCount,
      schema,
      statistics,
      anomalies,
    };
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'validation/report.json'), report);
    const blocking = anomalies.filter(isBlocking);
    const summary = summarizeAnomalies(anomalies, { reportUri: ref.uri });
    if (blocking.length > 0) {
      throw new InputError(summary, {
        type: FailureType.DataValidationFailed,
        details: [{ anomalies: blocking.slice(0, 50), blocking: blocking.length, anomalyCount: anomalies.length, report: ref }],
      });
    }
    await writeRowCountPointer(s, ctx, frame.rows, input.dataset.uri);
    if (anomalies.length > 0) ctx.log.warn(summary);
    else ctx.log.info('data validation passed', { rows: frame.rows, columns: frame.columns.length, report: ref.uri });
    return {
      dataset: input.dataset,
      report: ref,
      rows: frame.rows,
      anomalies: anomalies.slice(0, MAX_OUTPUT_ANOMALIES),
      anomalyCount: anomalies.length,
      blocking: 0,
      previousRowCount,
      columns: statistics.columns
        .slice(0, MAX_OUTPUT_COLUMNS)
        .map((c) => ({ name: c.name, type: c.type, missingFraction: c.missingFraction, unique: c.unique })),
    };
  };
}
