/**
 * Frames cross to a worker thread without a per-row copy on the activity's event loop. Numeric
 * columns are typed arrays (shared when on SharedArrayBuffers, as cached datasets are); string
 * columns would be structured-cloned string by string — measured 3.0 s for two 1.5M-row columns
 * on this (loaded) machine, all of it blocking the loop — so they travel dictionary-encoded: the
 * distinct values plus Int32 codes on a SharedArrayBuffer, rebuilt in the thread. The encoding
 * of a column is computed once per column object (cached frames are frozen and reused), and a
 * column with mostly distinct values is sent as it is (a dictionary would not be smaller).
 */
import type { Frame, FrameColumn, NumericColumn, StringColumn } from '../../../ml/frame/frame';

export interface EncodedStringColumn {
  name: string;
  type: 'string';
  /** Distinct values; code −1 is null. */
  dictionary: string[];
  codes: Int32Array;
}

export interface TransferFrame {
  tideflowTransferFrame: 1;
  rows: number;
  columns: (NumericColumn | StringColumn | EncodedStringColumn)[];
}

const encoded = new WeakMap<StringColumn, EncodedStringColumn | null>();

function encodeColumn(col: StringColumn): EncodedStringColumn | null {
  const known = encoded.get(col);
  if (known !== undefined) return known;
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(new SharedArrayBuffer(col.values.length * 4));
  let result: EncodedStringColumn | null = { name: col.name, type: 'string', dictionary, codes };
  for (let i = 0; i < col.values.length; i++) {
    const v = col.values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let c = index.get(v);
    if (c === undefined) {
      c = dictionary.length;
      dictionary.push(v);
      index.set(v, c);
      if (dictionary.length > 1024 && dictionary.length * 2 > col.values.length) {
        result = null;
        break;
      }
    }
    codes[i] = c;
  }
  // Only frozen (cached, never-changing) columns may keep their encoding for later jobs.
  if (Object.isFrozen(col)) encoded.set(col, result);
  return result;
}

export function isFrame(value: unknown): value is Frame {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Frame).rows === 'number' &&
    Array.isArray((value as Frame).columns) &&
    !('tideflowTransferFrame' in value)
  );
}

export function encodeFrame(frame: Frame): TransferFrame {
  return {
    tideflowTransferFrame: 1,
    rows: frame.rows,
    columns: frame.columns.map((c) => (c.type === 'string' ? (encodeColumn(c) ?? c) : c)),
  };
}

export function isTransferFrame(value: unknown): value is TransferFrame {
  return typeof value === 'object' && value !== null && (value as TransferFrame).tideflowTransferFrame === 1;
}

export function decodeFrame(t: TransferFrame): Frame {
  const columns = t.columns.map((c): FrameColumn => {
    if (!('dictionary' in c)) return c;
    const values = new Array<string | null>(c.codes.length);
    for (let i = 0; i < c.codes.length; i++) {
      const code = c.codes[i] as number;
      values[i] = code < 0 ? null : (c.dictionary[code] as string);
    }
    return { name: c.name, type: 'string', values };
  });
  return { rows: t.rows, columns };
}

function shareColumn(col: FrameColumn): FrameColumn {
  if (col.type === 'string') {
    if (Object.isFrozen(col) && Object.isFrozen(col.values)) return col;
    return Object.freeze({ ...col, values: Object.freeze(col.values.slice()) as (string | null)[] });
  }
  if (col.values.buffer instanceof SharedArrayBuffer) return Object.isFrozen(col) ? col : Object.freeze({ ...col });
  const values = new Float64Array(new SharedArrayBuffer(col.values.byteLength));
  values.set(col.values);
  return Object.freeze({ ...col, values });
}

/**
 * A frozen frame whose numeric columns live on SharedArrayBuffers (what the dataset cache keeps):
 * columns already in that form are kept as they are, the others copied.
 */
export function readOnlyFrame(frame: Frame): Frame {
  if (Object.isFrozen(frame) && frame.columns.every((c) => shareColumn(c) === c)) return frame;
  return Object.freeze({ rows: frame.rows, columns: Object.freeze(frame.columns.map(shareColumn)) as FrameColumn[] });
}

/**
 * A read-only frame from one a thread encoded from a read-only frame (a decoded dataset): its
 * string columns are rebuilt frozen and keep the encoding they came with, so sending them to
 * a later job does not encode them again on this event loop.
 */
export function decodeReadOnlyFrame(t: TransferFrame): Frame {
  const decoded = decodeFrame(t);
  const columns = decoded.columns.map((col, j) => {
    if (col.type !== 'string') return col;
    const frozen = Object.freeze({ ...col, values: Object.freeze(col.values) as (string | null)[] });
    const sent = t.columns[j];
    encoded.set(frozen, sent && 'dictionary' in sent ? sent : null);
    return frozen;
  });
  return readOnlyFrame({ rows: decoded.rows, columns });
}

/** The job input with every top-level Frame encoded for the trip (the rest as it is). */
export function encodeFrames(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, isFrame(v) ? encodeFrame(v) : v]));
}

/** The thread side of encodeFrames. */
export function decodeFrames(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, isTransferFrame(v) ? decodeFrame(v) : v]));
}
