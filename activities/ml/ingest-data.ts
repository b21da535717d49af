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
 *
 * Listing and downloading run here; parsing, selection, shaping and the Arrow encoding run in a
 * worker thread (./offload/jobs/ingest.ts), so heartbeats, the state query, cancellation and
 * worker shutdown keep working while a large file is parsed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../../core/errors';
import { renderTemplate, runTemplateVars, TemplateError } from '../../core/template';
import type { TaskContext } from '../context';
import { writeDatasetBytes, type DatasetRef } from './dataset';
import type { DeriveSpec } from '../../ml/frame/derive';
import type { FilterSpec } from '../../ml/frame/filter';
import { lookbackWindow, type IntervalMs } from '../../ml/frame/relative-time';
import type { IngestFile, IngestSelection, IngestShapeInput, IngestShaping } from './offload/jobs/ingest';
import { offloadForTask } from './offload/task';
import { listWindowFiles } from './partitions';
import { readSourceFile } from './read-table';
import { transferableBytes } from './offload/transfer';
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
  selection?: IngestSelection;
  /** With a lookback window: its bounds and the partitions read (none listed: the source had no date partitions). */
  window?: { lookback: string; start: string; end: string; partitions?: string[]; skippedPartitions?: number };
  /** The shaping steps: derived columns with their types, and the rows each filter predicate removed. */
  shaping?: IngestShaping;
}

function parseInstant(value: string, what: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw ApplicationFailure.nonRetryable(`${what} '${value}' is not an ISO-8601 instant`, 'InvalidInterval');
  return t;
}

const iso = (ms: number): string => new Date(ms).toISOString();

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
    // Downloads stay here (I/O); parsing, shaping and encoding run in a worker thread
    // (./offload/jobs/ingest.ts) so this event loop keeps heartbeating and answering.
    const read: IngestFile[] = [];
    for (const file of files) {
      read.push(await readSourceFile(file, s, ctx.signal));
      if (files.length > 1) ctx.heartbeat({ downloaded: read.length, of: files.length });
    }
    let select: IngestShapeInput['select'];
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
      select = { column: input.timestampColumn, start: windowMs ? iso(startMs) : start, end: windowMs ? iso(endMs) : end, startMs, endMs };
    }
    const shaped = await offloadForTask(
      ctx,
      'ingestShape',
      {
        source,
        files: read,
        parse: { normalizeColumns: input.normalizeColumns, missingValues: input.missingValues ?? [] },
        ...(select && { select }),
        ...(input.derive !== undefined && { derive: input.derive }),
        ...(input.filter !== undefined && { filter: input.filter }),
      },
      { transfer: transferableBytes(read.map((f) => f.bytes)) },
    );
    const ref = await writeDatasetBytes(s, runArtifactKey(s, ctx, 'datasets/ingested.arrow'), shaped.arrow, shaped.rows, shaped.schema);
    const { selection, shaping } = shaped;
    ctx.log.info('ingested dataset', { source, files: files.length, rows: ref.rows, uri: ref.uri });
    return {
      ...ref,
      source,
      files,
      sourceFormat: read[0]?.format ?? 'unknown',
      ...(selection && { selection }),
      ...(window && { window }),
      ...(shaping && { shaping }),
    };
  };
}
