/**
 * Read-only frames: what the dataset cache keeps and every step shares. Frozen, numeric columns on
 * SharedArrayBuffers (worker threads see them without a copy). A dataset decoded in a thread
 * arrives encoded (./frame-transfer.ts); its string columns must be rebuilt as JS strings on this
 * event loop (strings cannot be shared between threads) — measured 97–177 ms per 1.5M-row column
 * under load — so that is done in slices that yield to the loop in between, and the frame's size
 * estimate (frameBytes, another pass over every string) comes computed from the thread.
 */
import type { Frame, FrameColumn, StringColumn } from '../../../ml/frame/frame';
import { decodeStrings, rememberEncoding, type TransferFrame } from './frame-transfer';

/** Rows rebuilt between two yields to the event loop (a few ms of work). */
const SLICE_ROWS = 65_536;

const sizes = new WeakMap<Frame, number>();

/** Approximate heap bytes of a frame: 8 per numeric cell, per string its UTF-16 payload plus a header. */
export function frameBytes(frame: Frame): number {
  const known = sizes.get(frame);
  if (known !== undefined) return known;
  let total = 0;
  for (const col of frame.columns) {
    if (col.type !== 'string') {
      total += col.values.byteLength;
      continue;
    }
    total += col.values.length * 8;
    for (const v of col.values) if (v !== null) total += 16 + 2 * v.length;
  }
  if (Object.isFrozen(frame)) sizes.set(frame, total);
  return total;
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

/** A frozen frame whose numeric columns live on SharedArrayBuffers: columns already so are kept, the others copied. */
export function readOnlyFrame(frame: Frame): Frame {
  if (Object.isFrozen(frame) && frame.columns.every((c) => shareColumn(c) === c)) return frame;
  return Object.freeze({ rows: frame.rows, columns: Object.freeze(frame.columns.map(shareColumn)) as FrameColumn[] });
}

/** A read-only frame as a thread sends it (numeric columns shared, strings encoded) plus its frameBytes. */
export interface SentFrame {
  frame: TransferFrame;
  heapBytes: number;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The read-only frame a thread sent: string columns rebuilt in slices (yielding between them),
 * frozen, keeping the encoding they came with so a later job does not encode them again here.
 */
export async function receiveReadOnly(sent: SentFrame): Promise<Frame> {
  const columns: FrameColumn[] = [];
  for (const c of sent.frame.columns) {
    if (!('dictionary' in c)) {
      columns.push(c);
      continue;
    }
    const values = new Array<string | null>(c.codes.length).fill(null);
    for (let from = 0; from < values.length; from += SLICE_ROWS) {
      decodeStrings(c, values, from, Math.min(values.length, from + SLICE_ROWS));
      await yieldToLoop();
    }
    const col: StringColumn = Object.freeze({ name: c.name, type: 'string', values: Object.freeze(values) as (string | null)[] });
    rememberEncoding(col, c);
    columns.push(col);
  }
  const frame = readOnlyFrame({ rows: sent.frame.rows, columns });
  sizes.set(frame, sent.heapBytes);
  return frame;
}
