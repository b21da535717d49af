/**
 * A `Matrix` as linear models read it: the dense columns (row-major, each with its place in the
 * full column order) and the one-hot blocks (an offset and the active column per row). X·w costs
 * one multiply per dense column and one lookup per block, whatever the blocks' widths; Xᵀr one
 * add per dense column and one per block.
 */
import { type Matrix, checkMatrixShape, columnPlaces, denseCols } from '../frame/matrix';
import { InputError } from '../../core/errors';

export interface Design {
  rows: number;
  /** Full width (every feature). */
  cols: number;
  /** Dense values, rows × dc row-major. */
  data: Float64Array;
  dc: number;
  /** For each dense column: its index in the full column order. */
  denseCol: Int32Array;
  /** Per block: the first full column, and the active column within the block per row (−1: none). */
  blockOff: Int32Array;
  blockWidth: Int32Array;
  blockIdx: Int32Array[];
}

export function designOf(m: Matrix): Design {
  checkMatrixShape(m);
  const places = columnPlaces(m);
  const dc = denseCols(m);
  const denseCol = new Int32Array(dc);
  for (let j = 0; j < m.cols; j++) if ((places[j] as number) >= 0) denseCol[places[j] as number] = j;
  const blocks = m.onehot ?? [];
  return {
    rows: m.rows,
    cols: m.cols,
    data: m.data,
    dc,
    denseCol,
    blockOff: Int32Array.from(blocks, (b) => b.offset),
    blockWidth: Int32Array.from(blocks, (b) => b.width),
    blockIdx: blocks.map((b) => b.index),
  };
}

/** The first non-finite dense value as [row, full column], or undefined. */
export function firstNonFinite(d: Design): [number, number] | undefined {
  for (let i = 0; i < d.data.length; i++) if (!Number.isFinite(d.data[i])) return [Math.floor(i / d.dc), d.denseCol[i % d.dc] as number];
  return undefined;
}

/**
 * out[i·k + c] = intercepts[c] + Σ_j x_ij · weights[c·cols + j], for k weight rows.
 * Dense columns are summed first, then the blocks' single active weights.
 */
export function linearScores(d: Design, weights: Float64Array, intercepts: Float64Array, k: number): Float64Array {
  const { rows, cols, data, dc, denseCol, blockOff, blockIdx } = d;
  const nb = blockIdx.length;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const o = i * dc;
    for (let c = 0; c < k; c++) {
      const base = c * cols;
      let s = intercepts[c] as number;
      for (let j = 0; j < dc; j++) s += (weights[base + (denseCol[j] as number)] as number) * (data[o + j] as number);
      for (let b = 0; b < nb; b++) {
        const v = (blockIdx[b] as Int32Array)[i] as number;
        if (v >= 0) s += weights[base + (blockOff[b] as number) + v] as number;
      }
      out[i * k + c] = s;
    }
  }
  return out;
}

/** Sample weights as a Float64Array (null when absent): finite, ≥ 0, one per row, not all 0. */
export function checkSampleWeight(sw: ArrayLike<number> | undefined, rows: number): Float64Array | null {
  if (sw === undefined) return null;
  if (sw.length !== rows) throw new InputError(`${rows} rows but ${sw.length} sample weights`);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const v = sw[i] as number;
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`sample weight ${v} at row ${i} is not a finite number ≥ 0`);
    total += v;
  }
  if (!(total > 0)) throw new InputError('every sample weight is 0');
  return Float64Array.from(sw);
}
