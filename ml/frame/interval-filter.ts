/**
 * Select the rows of a run's data interval: start ≤ timestamp < end, the half-open interval
 * Airflow gives each run, so consecutive daily runs never read a row twice or miss one.
 */
import { InputError } from '../../core/errors';
import { getColumn, takeRows, type Frame } from './frame';

export interface IntervalSelection {
  frame: Frame;
  /** Rows before / at-or-after the interval, and rows with no timestamp (never selected). */
  before: number;
  after: number;
  missing: number;
}

export function selectInterval(frame: Frame, column: string, startMs: number, endMs: number): IntervalSelection {
  const col = getColumn(frame, column);
  if (col.type !== 'timestamp') {
    throw new InputError(`timestamp column '${column}' holds ${col.type} values, not dates or ISO-8601 timestamps`);
  }
  const keep: number[] = [];
  let before = 0;
  let after = 0;
  let missing = 0;
  for (let i = 0; i < frame.rows; i++) {
    const t = col.values[i] as number;
    if (Number.isNaN(t)) missing++;
    else if (t < startMs) before++;
    else if (t >= endMs) after++;
    else keep.push(i);
  }
  return { frame: keep.length === frame.rows ? frame : takeRows(frame, keep), before, after, missing };
}
