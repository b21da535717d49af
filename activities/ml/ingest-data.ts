/**
 * ingest: read the run's slice of a source into a typed Frame and store it as the run's
 * normalized dataset artifact (Arrow IPC, ./dataset.ts). The task output is only a reference
 * (uri, sha256, rows, schema): data never travels through workflow history.
 *
 * Selecting the run's data, the two ways Airflow users know:
 *  - a key template: `s3://lake/events/dt={{ds}}/` (a trailing '/' reads every file of that
 *    partition folder), with ds, ds_nodash, logical_date, data_interval_start/end, params.*;
 *  - a timestamp column: rows with data_interval_start ≤ ts < data_interval_end are kept.
 */
import { ApplicationFailure } from '@temporalio/common';
import { renderTemplate, runTemplateVars, TemplateError } from '../../core/template';
import type { TaskContext } from '../context';
import { writeDataset, type DatasetRef } from './dataset';
import { concatFrames } from '../../ml/frame/concat';
import { selectInterval } from '../../ml/frame/interval-filter';
import { readFrame } from './read-table';
import { listSourceFiles } from './source';
import { runArtifactKey, type StoreProvider } from './store';

export interface IngestInput {
  /** npm:<package>/<file>, s3://bucket/key, http(s)://…, file:///… or a local path; may hold {{ds}}-style placeholders; '/' at the end = a partition folder. */
  source: string;
  /** Rename columns to snake_case ("Beak Length (mm)" → "beak_length_mm"). */
  normalizeColumns: boolean;
  /** Strings that mean "no value" besides blanks, e.g. 'NA', '.'. */
  missingValues?: string[];
  /** Keep only the rows whose timestamp falls in the run's data interval. */
  timestampColumn?: string;
  /** Override the run's data interval (ISO-8601), e.g. for a manual run of an unscheduled DAG. */
  interval?: { start: string; end: string };
}

export interface IngestOutput extends DatasetRef {
  /** The source after templating, and the files read. */
  source: string;
  files: string[];
  /** Format of the source files (the artifact itself is always Arrow). */
  sourceFormat: string;
  /** With a timestamp column: the interval used and the rows left out. */
  selection?: { column: string; start: string; end: string; rowsRead: number; before: number; after: number; missingTimestamp: number };
}

function parseInstant(value: string, what: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw ApplicationFailure.nonRetryable(`${what} '${value}' is not an ISO-8601 instant`, 'InvalidInterval');
  return t;
}

export function ingestData(store: StoreProvider) {
  return async (input: IngestInput, ctx: TaskContext): Promise<IngestOutput> => {
    const s = store(ctx);
    let source: string;
    try {
      source = renderTemplate(input.source, runTemplateVars(ctx), 'source');
    } catch (err) {
      if (err instanceof TemplateError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidSource');
      throw err;
    }
    const files = await listSourceFiles(source, s);
    const parts = [];
    for (const file of files) {
      const read = await readFrame(file, s, ctx.signal, {
        normalizeColumns: input.normalizeColumns,
        missingValues: input.missingValues ?? [],
      });
      parts.push({ ...read, frame: read.frame });
      if (files.length > 1) ctx.heartbeat({ read: parts.length, of: files.length });
    }
    let frame;
    try {
      frame = concatFrames(parts);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`cannot combine the files of ${source}: ${(err as Error).message}`, 'InconsistentPartition');
    }
    let selection: IngestOutput['selection'];
    if (input.timestampColumn !== undefined) {
      const start = input.interval?.start ?? ctx.dataIntervalStart;
      const end = input.interval?.end ?? ctx.dataIntervalEnd;
      const [startMs, endMs] = [parseInstant(start, 'interval start'), parseInstant(end, 'interval end')];
      if (endMs <= startMs) {
        throw ApplicationFailure.nonRetryable(
          `the data interval [${start}, ${end}) is empty: a manual run of an unscheduled DAG has no interval; pass an interval or a logicalDate`,
          'InvalidInterval',
        );
      }
      let sel;
      try {
        sel = selectInterval(frame, input.timestampColumn, startMs, endMs);
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`${source}: ${(err as Error).message}`, 'InvalidTimestampColumn');
      }
      selection = {
        column: input.timestampColumn,
        start,
        end,
        rowsRead: frame.rows,
        before: sel.before,
        after: sel.after,
        missingTimestamp: sel.missing,
      };
      frame = sel.frame;
    }
    if (frame.rows === 0) {
      const why = selection ? ` in [${selection.start}, ${selection.end}) by '${selection.column}' (${selection.rowsRead} rows read)` : '';
      throw ApplicationFailure.nonRetryable(`${source} has no rows${why}`, 'EmptyDataset');
    }
    const ref = await writeDataset(s, runArtifactKey(s, ctx, 'datasets/ingested.arrow'), frame);
    ctx.log.info('ingested dataset', { source, files: files.length, rows: frame.rows, uri: ref.uri });
    return { ...ref, source, files, sourceFormat: parts[0]?.format ?? 'unknown', ...(selection && { selection }) };
  };
}
