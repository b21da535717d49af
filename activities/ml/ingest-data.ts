/**
 * ingest: read the run's slice of a source into a typed Frame and store it as the run's
 * normalized dataset artifact (Arrow IPC, ./dataset.ts). The task output is only a reference
 * (uri, sha256, rows, schema): data never travels through workflow history.
 *
 * Selecting the run's data, the two ways Airflow users know:
 *  - a key template: `s3://lake/events/dt={{ds}}/` (a trailing '/' reads every file of that
 *    partition folder), with ds, ds_nodash, logical_date, data_interval_start/end, params.*;
 *  - a timestamp column: rows with data_interval_start ≤ ts < data_interval_end are kept.
 * A lookback `window` widens both to [data_interval_end − lookback, data_interval_end): only the
 * daily partitions in it are listed and read (./partitions.ts), and the timestamp column, when
 * given, keeps the rows in it. Then the shaping steps run, in this order: `derive` (new columns
 * from expressions), `filter` (row predicates) — ml/frame/derive.ts, ml/frame/filter.ts — so
 * validation and every later step see the shaped data.
 */
import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../../core/errors';
import { renderTemplate, runTemplateVars, TemplateError } from '../../core/template';
import type { TaskContext } from '../context';
import { writeDataset, type DatasetRef } from './dataset';
import { concatFrames } from '../../ml/frame/concat';
import { applyDerive, parseDerive, type DeriveSpec } from '../../ml/frame/derive';
import { ExpressionError } from '../../ml/frame/expression';
import { applyFilter, parseFilter, type FilterSpec } from '../../ml/frame/filter';
import { schemaOf, type ColumnSchema, type Frame } from '../../ml/frame/frame';
import { selectInterval } from '../../ml/frame/interval-filter';
import { lookbackWindow, type IntervalMs } from '../../ml/frame/relative-time';
import { listWindowFiles } from './partitions';
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
  /** Read [data interval end − lookback, data interval end): partitions pruned by name, rows by timestampColumn. */
  window?: { lookback: string; partition?: string };
  /** New columns: name → row expression, applied in order after reading. */
  derive?: DeriveSpec;
  /** Row predicates, all of which must hold; applied after derive. */
  filter?: FilterSpec;
}

export interface IngestOutput extends DatasetRef {
  /** The source after templating, and the files read. */
  source: string;
  files: string[];
  /** Format of the source files (the artifact itself is always Arrow). */
  sourceFormat: string;
  /** With a timestamp column: the interval used and the rows left out. */
  selection?: { column: string; start: string; end: string; rowsRead: number; before: number; after: number; missingTimestamp: number };
  /** With a lookback window: its bounds and the partitions read (none listed: the source had no date partitions). */
  window?: { lookback: string; start: string; end: string; partitions?: string[]; skippedPartitions?: number };
  /** The shaping steps: derived columns with their types, and the rows each filter predicate removed. */
  shaping?: { derived: ColumnSchema[]; filter?: { rowsIn: number; rowsOut: number; removed: { expression: string; rows: number }[] } };
}

function parseInstant(value: string, what: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw ApplicationFailure.nonRetryable(`${what} '${value}' is not an ISO-8601 instant`, 'InvalidInterval');
  return t;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** derive then filter; a bad expression or a missing column is a non-retryable 'InvalidExpression' naming it. */
function shape(frame: Frame, input: IngestInput): { frame: Frame; shaping?: IngestOutput['shaping'] } {
  if (input.derive === undefined && input.filter === undefined) return { frame };
  try {
    const derived = input.derive ? parseDerive(input.derive) : [];
    let out = applyDerive(frame, derived);
    const shaping: NonNullable<IngestOutput['shaping']> = {
      derived: schemaOf(out).filter((c) => derived.some((d) => d.name === c.name)),
    };
    if (input.filter !== undefined) {
      const f = applyFilter(out, parseFilter(input.filter));
      shaping.filter = { rowsIn: out.rows, rowsOut: f.frame.rows, removed: f.removed };
      out = f.frame;
    }
    return { frame: out, shaping };
  } catch (err) {
    if (err instanceof ExpressionError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidExpression');
    throw err;
  }
}

export function ingestData(store: StoreProvider) {
  return async (input: IngestInput, ctx: TaskContext): Promise<IngestOutput> => {
    const s = store(ctx);
    const scope = runTemplateVars(ctx);
    const start = input.interval?.start ?? ctx.dataIntervalStart;
    const end = input.interval?.end ?? ctx.dataIntervalEnd;
    let windowMs: IntervalMs | undefined;
    let source: string;
    let files: string[];
    let window: IngestOutput['window'];
    try {
      source = renderTemplate(input.source, scope, 'source');
      if (input.window) {
        try {
          windowMs = lookbackWindow(input.window.lookback, {
            startMs: parseInstant(start, 'interval start'),
            endMs: parseInstant(end, 'interval end'),
          });
        } catch (err) {
          if (err instanceof InputError) throw ApplicationFailure.nonRetryable(`window.lookback: ${err.message}`, 'InvalidWindow');
          throw err;
        }
        const pruned = await listWindowFiles(input.source, scope, windowMs, input.window.partition ?? 'dt', s);
        if (pruned === null && input.timestampColumn === undefined)
          throw ApplicationFailure.nonRetryable(
            `window: ${source} has no daily partitions ({{ds}} in the source, or ${input.window.partition ?? 'dt'}=YYYY-MM-DD/ folders under it) and no timestampColumn is given: nothing selects the window's rows`,
            'InvalidWindow',
          );
        window = {
          lookback: input.window.lookback,
          start: iso(windowMs.startMs),
          end: iso(windowMs.endMs),
          ...(pruned && { partitions: pruned.partitions, skippedPartitions: pruned.skipped }),
        };
        if (pruned) source = `${input.source} (window ${window.start} … ${window.end})`;
        files = pruned?.files ?? (await listSourceFiles(source, s));
      } else {
        files = await listSourceFiles(source, s);
      }
    } catch (err) {
      if (err instanceof TemplateError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidSource');
      throw err;
    }
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
      const [startMs, endMs] = windowMs
        ? [windowMs.startMs, windowMs.endMs]
        : [parseInstant(start, 'interval start'), parseInstant(end, 'interval end')];
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
        start: windowMs ? iso(startMs) : start,
        end: windowMs ? iso(endMs) : end,
        rowsRead: frame.rows,
        before: sel.before,
        after: sel.after,
        missingTimestamp: sel.missing,
      };
      frame = sel.frame;
    }
    const shaped = shape(frame, input);
    frame = shaped.frame;
    if (frame.rows === 0) {
      const filtered = shaped.shaping?.filter ? ` after the filter (${shaped.shaping.filter.rowsIn} rows before it)` : '';
      const why =
        (selection ? ` in [${selection.start}, ${selection.end}) by '${selection.column}' (${selection.rowsRead} rows read)` : '') +
        filtered;
      throw ApplicationFailure.nonRetryable(`${source} has no rows${why}`, 'EmptyDataset');
    }
    const ref = await writeDataset(s, runArtifactKey(s, ctx, 'datasets/ingested.arrow'), frame);
    ctx.log.info('ingested dataset', { source, files: files.length, rows: frame.rows, uri: ref.uri });
    return {
      ...ref,
      source,
      files,
      sourceFormat: parts[0]?.format ?? 'unknown',
      ...(selection && { selection }),
      ...(window && { window }),
      ...(shaped.shaping && { shaping: shaped.shaping }),
    };
  };
}
