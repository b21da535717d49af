/**
 * ingest's computation, in a worker thread: the downloaded files' bytes → parsed Frames (Parquet,
 * Arrow, CSV, JSON…) → one Frame → the interval's rows → derive, filter → the Arrow IPC bytes of
 * the run's dataset. Parsing 1.5M rows takes tens of seconds: on the activity's event loop it
 * would stop heartbeats, the state query, cancellation and SIGTERM for that long.
 *
 * Only bytes cross the thread boundary, both ways (transferred, not copied): the Frame never
 * leaves the thread. Errors are the same non-retryable failures ingest raised in-process, each
 * naming the file, expression or column at fault.
 */
import { ApplicationFailure } from '@temporalio/common';
import { concatFrames } from '../../../../ml/frame/concat';
import { applyDerive, parseDerive, type DeriveSpec } from '../../../../ml/frame/derive';
import { ExpressionError } from '../../../../ml/frame/expression';
import { applyFilter, parseFilter, type FilterSpec } from '../../../../ml/frame/filter';
import { schemaOf, type ColumnSchema, type Frame } from '../../../../ml/frame/frame';
import { selectInterval } from '../../../../ml/frame/interval-filter';
import { frameToArrow } from '../../../../ml/io/arrow';
import { parseSourceFrame, type FrameParseOptions, type TableFormat } from '../../../../ml/io/parse';

export interface IngestFile {
  location: string;
  format: TableFormat;
  bytes: Uint8Array;
}

export interface IngestShapeInput {
  /** The source as shown in messages (templated, or with its window). */
  source: string;
  files: IngestFile[];
  parse: FrameParseOptions;
  /** Keep start ≤ column < end (ISO strings as reported; ms to compare). */
  select?: { column: string; start: string; end: string; startMs: number; endMs: number };
  derive?: DeriveSpec;
  filter?: FilterSpec;
}

export interface IngestSelection {
  column: string;
  start: string;
  end: string;
  rowsRead: number;
  before: number;
  after: number;
  missingTimestamp: number;
}

export interface IngestShaping {
  derived: ColumnSchema[];
  filter?: { rowsIn: number; rowsOut: number; removed: { expression: string; rows: number }[] };
}

export interface IngestShapeOutput {
  /** The dataset as Arrow IPC (file format). */
  arrow: Uint8Array;
  rows: number;
  schema: ColumnSchema[];
  selection?: IngestSelection;
  shaping?: IngestShaping;
}

function parseFile(file: IngestFile, o: FrameParseOptions): Promise<Frame> {
  return parseSourceFrame(file.bytes, file.format, o).catch((err: unknown) => {
    throw ApplicationFailure.nonRetryable(
      `cannot parse ${file.location} as ${file.format}: ${err instanceof Error ? err.message : String(err)}`,
      'UnparsableSource',
    );
  });
}

/** derive then filter; a bad expression or a missing column is a non-retryable 'InvalidExpression' naming it. */
function shape(frame: Frame, input: IngestShapeInput): { frame: Frame; shaping?: IngestShaping } {
  if (input.derive === undefined && input.filter === undefined) return { frame };
  try {
    const derived = input.derive ? parseDerive(input.derive) : [];
    let out = applyDerive(frame, derived);
    const shaping: IngestShaping = { derived: schemaOf(out).filter((c) => derived.some((d) => d.name === c.name)) };
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

export async function ingestShape(input: IngestShapeInput, progress: (details: unknown) => void): Promise<IngestShapeOutput> {
  const parts = [];
  for (const file of input.files) {
    progress({ phase: 'parse', file: file.location, read: parts.length, of: input.files.length });
    parts.push({ frame: await parseFile(file, input.parse), location: file.location });
    // The file's bytes are no longer needed: let them go before the next file is parsed.
    file.bytes = new Uint8Array(0);
  }
  let frame: Frame;
  try {
    frame = concatFrames(parts);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `cannot combine the files of ${input.source}: ${(err as Error).message}`,
      'InconsistentPartition',
    );
  }
  parts.length = 0;
  let selection: IngestSelection | undefined;
  if (input.select) {
    const s = input.select;
    progress({ phase: 'select', rows: frame.rows });
    let sel;
    try {
      sel = selectInterval(frame, s.column, s.startMs, s.endMs);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`${input.source}: ${(err as Error).message}`, 'InvalidTimestampColumn');
    }
    selection = {
      column: s.column,
      start: s.start,
      end: s.end,
      rowsRead: frame.rows,
      before: sel.before,
      after: sel.after,
      missingTimestamp: sel.missing,
    };
    frame = sel.frame;
  }
  progress({ phase: 'shape', rows: frame.rows });
  const shaped = shape(frame, input);
  frame = shaped.frame;
  if (frame.rows === 0) {
    const filtered = shaped.shaping?.filter ? ` after the filter (${shaped.shaping.filter.rowsIn} rows before it)` : '';
    const why =
      (selection ? ` in [${selection.start}, ${selection.end}) by '${selection.column}' (${selection.rowsRead} rows read)` : '') + filtered;
    throw ApplicationFailure.nonRetryable(`${input.source} has no rows${why}`, 'EmptyDataset');
  }
  progress({ phase: 'encode', rows: frame.rows });
  return {
    arrow: frameToArrow(frame),
    rows: frame.rows,
    schema: schemaOf(frame),
    ...(selection && { selection }),
    ...(shaped.shaping && { shaping: shaped.shaping }),
  };
}
