import { InputError } from '../../core/errors';
/**
 * A matrix of features, `rows` × `cols`: what every trainer takes.
 *
 * Without `onehot` it is dense and row-major: row i, column j at data[i * cols + j].
 *
 * With `onehot`, some column ranges are one-hot blocks held compactly: block b covers the columns
 * offset … offset + width − 1, and in row i exactly the column offset + index[i] is 1 (the others
 * 0), or none when index[i] = −1 (an unknown or ignored category). `data` then holds only the other
 * ("dense") columns, in their order, row-major: rows × denseCols(m), where denseCols(m) = cols −
 * Σ widths. `cols` is always the full width (one column per feature name). A one-hot block needs
 * 4 bytes per row whatever its width, where dense columns need 8 per column: 1.5M rows × 240
 * one-hot columns are 12 MB instead of 2.9 GB. Linear models read the blocks directly; anything
 * that needs the dense layout calls `toDense` (gradient boosting, tests).
 */
export interface Matrix {
  data: Float64Array;
  rows: number;
  /** The full width: dense columns plus every one-hot block's width. */
  cols: number;
  /** One-hot blocks, in increasing offset order, not overlapping. Absent or empty: `data` is the whole matrix. */
  onehot?: readonly OneHotBlock[];
  /**
   * Per column: true when the column holds category codes (0..k−1 as floats, NaN = missing) that
   * gradient boosting splits on natively (by category sets, not thresholds); linear models refuse
   * such columns. Absent = every column numeric.
   */
  categorical?: readonly boolean[];
}

/** Columns offset … offset + width − 1 of a matrix are one-hot: row i has a 1 at offset + index[i] (none if −1). */
export interface OneHotBlock {
  offset: number;
  width: number;
  /** Per row: the active column within the block (0 … width − 1), or −1 for none. */
  index: Int32Array;
}

export const isSparse = (m: Matrix): boolean => (m.onehot?.length ?? 0) > 0;

/** Columns held in `data` (the full width minus the one-hot blocks). */
export function denseCols(m: Matrix): number {
  let c = m.cols;
  for (const b of m.onehot ?? []) c -= b.width;
  return c;
}

/**
 * For each column of the full matrix: its index among the dense columns, or −1 − b when it lies
 * in one-hot block b. Maps a full column to where its values are.
 */
export function columnPlaces(m: Matrix): Int32Array {
  const out = new Int32Array(m.cols);
  let dense = 0;
  let b = 0;
  const blocks = m.onehot ?? [];
  for (let j = 0; j < m.cols; j++) {
    const blk = blocks[b];
    if (blk && j >= blk.offset && j < blk.offset + blk.width) {
      out[j] = -1 - b;
      if (j === blk.offset + blk.width - 1) b++;
    } else out[j] = dense++;
  }
  return out;
}

/** Throws (RangeError, naming what is wrong) unless the blocks and `data` fit the shape. */
export function checkMatrixShape(m: Matrix): void {
  let end = 0;
  for (const [k, b] of (m.onehot ?? []).entries()) {
    if (!(Number.isInteger(b.offset) && b.offset >= end && b.width >= 1 && b.offset + b.width <= m.cols))
      throw new InputError(
        `one-hot block ${k} (columns ${b.offset}…${b.offset + b.width - 1}) does not fit the ${m.cols} columns in order`,
      );
    if (b.index.length !== m.rows) throw new InputError(`one-hot block ${k} has ${b.index.length} row indices for ${m.rows} rows`);
    for (let i = 0; i < m.rows; i++) {
      const v = b.index[i] as number;
      if (v < -1 || v >= b.width) throw new InputError(`one-hot block ${k} has index ${v} at row ${i}, outside −1…${b.width - 1}`);
    }
    end = b.offset + b.width;
  }
  const d = denseCols(m);
  if (m.data.length !== m.rows * d)
    throw new InputError(`the feature matrix holds ${m.data.length} dense values, not rows × dense columns = ${m.rows} × ${d}`);
}

/** The same matrix in the plain dense layout (returned as is when it already is). */
export function toDense(m: Matrix): Matrix {
  if (!isSparse(m)) return m;
  const { rows, cols } = m;
  const dc = denseCols(m);
  const out = new Float64Array(rows * cols);
  const places = columnPlaces(m);
  for (let j = 0; j < cols; j++) {
    const p = places[j] as number;
    if (p < 0) continue;
    for (let i = 0; i < rows; i++) out[i * cols + j] = m.data[i * dc + p] as number;
  }
  for (const b of m.onehot ?? []) {
    for (let i = 0; i < rows; i++) {
      const v = b.index[i] as number;
      if (v >= 0) out[i * cols + b.offset + v] = 1;
    }
  }
  return { data: out, rows, cols, ...(m.categorical && { categorical: m.categorical }) };
}

/** The rows `idx` of `m`, in that order, keeping its layout (one-hot blocks stay compact). */
export function takeMatrixRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const dc = denseCols(m);
  const n = idx.length;
  const data = new Float64Array(n * dc);
  for (let k = 0; k < n; k++) {
    const i = idx[k] as number;
    data.set(m.data.subarray(i * dc, (i + 1) * dc), k * dc);
  }
  const out: Matrix = { data, rows: n, cols: m.cols, ...(m.categorical && { categorical: m.categorical }) };
  if (isSparse(m))
    out.onehot = (m.onehot ?? []).map((b) => ({
      offset: b.offset,
      width: b.width,
      index: Int32Array.from(idx, (i) => b.index[i] as number),
    }));
  return out;
}
