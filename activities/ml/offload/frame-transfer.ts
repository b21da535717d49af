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

/** Rows [from, to) of an encoded column's values, written into `values` (pre-filled with null). */
export function decodeStrings(c: EncodedStringColumn, values: (string | null)[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const code = c.codes[i] as number;
    if (code >= 0) values[i] = c.dictionary[code] as string;
  }
}

export function decodeFrame(t: TransferFrame): Frame {
  const columns = t.columns.map((c): FrameColumn => {
    if (!('dictionary' in c)) return c;
    const values = new Array<string | null>(c.codes.length).fill(null);
    decodeStrings(c, values, 0, c.codes.length);
    return { name: c.name, type: 'string', values };
  });
  return { rows: t.rows, columns };
}

/** Remember how a frozen column was encoded (it came encoded from a thread): sending it again reuses it. */
export function rememberEncoding(col: StringColumn, sent: EncodedStringColumn | StringColumn): void {
  if (Object.isFrozen(col)) encoded.set(col, 'dictionary' in sent ? sent : null);
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
