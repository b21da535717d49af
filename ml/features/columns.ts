/**
 * The working columns a pipeline run passes from step to step, and the last check that turns
 * them into a matrix. Missing values (NaN / null) pass through every step except impute
 * and one-hot, so the final check is where "still missing" is reported, once, by feature name.
 * A one-hot step's output stays one compact column (the active category per row) all the way to
 * the matrix, where it becomes a one-hot block (see ../frame/matrix.ts): never one array per category.
 */
import type { FrameColumn, NumericColumn, StringColumn } from '../frame/frame';
import type { Matrix, OneHotBlock } from '../frame/matrix';
import { ColumnList } from './column-list';
import { FeaturePipelineError, stepLabel } from './spec';

/**
 * A plain working column; `group` is the input column an expanded output came from (so `drop` can
 * remove them all); `categorical` marks category codes (the categorical step): NaN there means
 * missing and is passed on to the model, flagged in `Matrix.categorical`.
 */
export type PlainColumn = FrameColumn & { group?: string; categorical?: boolean };

/**
 * A one-hot encoded column: `names` are its output features (one per category), and row i has
 * a 1 in output index[i] and 0 in the others (all 0 when index[i] is −1). Later steps cannot read
 * it (the plan refuses), only drop it by `group`, its input column's name.
 */
export interface EncodedColumn {
  type: 'encoded';
  name: string;
  group: string;
  names: string[];
  index: Int32Array;
}

export type WorkColumn = PlainColumn | EncodedColumn;

/**
 * The feature names of the working columns, in matrix order (an encoded column gives one per category).
 * A loop, not flatMap: this runs on every transform, one row at a time in the prediction server, where
 * flatMap was most of toMatrix's samples in the server's profile.
 */
export function outputNames(cols: readonly WorkColumn[]): string[] {
  const names: string[] = [];
  for (const c of cols) {
    if (c.type === 'encoded') for (const n of c.names) names.push(n);
    else names.push(c.name);
  }
  return names;
}

/** 'fit' reads the training rows; 'transform' any rows (evaluation, batch prediction). */
export type Phase = 'fit' | 'transform';

/** Where a step runs: for error messages. */
export interface StepContext {
  index: number;
  op: string;
  phase: Phase;
  rows: number;
}

export function stepError(ctx: StepContext, message: string): FeaturePipelineError {
  const where = ctx.phase === 'fit' ? 'fitting' : 'transforming';
  return new FeaturePipelineError(`feature pipeline ${stepLabel(ctx.index, ctx.op)}, ${where}: ${message}`);
}

export class WorkingSet extends ColumnList<WorkColumn> {
  constructor(
    public readonly rows: number,
    columns: WorkColumn[],
  ) {
    super(columns);
  }

  get(name: string): PlainColumn {
    const col = this.columns.find((c): c is PlainColumn => c.name === name && c.group === undefined && c.type !== 'encoded');
    // The plan has checked every name, so this is a bug, not bad input.
    if (!col) throw new Error(`feature pipeline: working column '${name}' is missing (plan and data disagree)`);
    return col;
  }

  numeric(name: string): NumericColumn {
    const col = this.get(name);
    if (col.type === 'string') throw new Error(`feature pipeline: working column '${name}' holds strings (plan and data disagree)`);
    return col;
  }

  strings(name: string): StringColumn {
    const col = this.get(name);
    if (col.type !== 'string') throw new Error(`feature pipeline: working column '${name}' holds numbers (plan and data disagree)`);
    return col;
  }
}

export const numberColumn = (name: string, values: Float64Array, group?: string): WorkColumn =>
  group === undefined ? { name, type: 'number', values } : { name, type: 'number', values, group };

/** Non-missing values of a numeric column, in row order. */
export function presentValues(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i] as number)) n++;
  if (n === values.length) return values.slice();
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return out;
}

/** The first row holding ±Infinity, or -1: a fitted parameter that came out non-finite is blamed on it. */
export function firstInfinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v === Infinity || v === -Infinity) return i;
  }
  return -1;
}

/** Throw unless every fitted number is finite (JSON cannot hold Infinity, and a model cannot use it). */
export function requireFinite(ctx: StepContext, column: string, values: Float64Array, params: readonly number[]): void {
  if (params.every(Number.isFinite)) return;
  const row = firstInfinite(values);
  const why = row >= 0 ? `it holds ${values[row]} at row ${row}` : 'its values overflow';
  throw stepError(ctx, `column '${column}' cannot be fitted: ${why}`);
}

/**
 * Every final column must be numeric and finite: a missing or infinite cell is an error naming
 * the feature, how many rows, the first one, and what to do.
 */
export function checkFinalColumns(work: WorkingSet, phase: Phase): void {
  const where = phase === 'fit' ? 'in the training rows' : 'in the rows to transform';
  for (const col of work.columns) {
    // An encoded column is complete by construction (missing is a category or an error).
    if (col.type === 'encoded') continue;
    if (col.type === 'string') throw new FeaturePipelineError(`feature '${col.name}' is a string column: one-hot encode it`);
    if (col.categorical) continue; // codes are finite; NaN is a missing category the model handles
    const v = col.values;
    let bad = false;
    // x - x is NaN for NaN and ±Infinity alone; the common all-finite case costs one pass.
    for (let i = 0; i < v.length; i++) if ((v[i] as number) - (v[i] as number) !== 0) bad = true;
    if (!bad) continue;
    let missing = 0;
    let infinite = 0;
    // Per kind: the message about missing values must not point at an infinite cell, or vice versa.
    let firstMissing = -1;
    let firstInfinite = -1;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as number;
      if (x - x === 0) continue;
      if (Number.isNaN(x)) {
        missing++;
        if (firstMissing < 0) firstMissing = i;
      } else {
        infinite++;
        if (firstInfinite < 0) firstInfinite = i;
      }
    }
    const source = col.group ?? col.name;
    if (missing > 0 && missing === v.length && phase === 'fit') {
      throw new FeaturePipelineError(
        `feature '${col.name}' has no value in any of the ${v.length} training rows (all missing): leave '${source}' out of the features or fix the source`,
      );
    }
    if (missing > 0) {
      const fix =
        phase === 'fit'
          ? `add an impute step for '${source}' before the steps that need complete values`
          : `the pipeline was fitted on rows without missing '${source}' and has no impute step for it: refit with an impute step`;
      throw new FeaturePipelineError(
        `feature '${col.name}' still has ${missing} missing value${missing === 1 ? '' : 's'} after the pipeline ${where} (first at row ${firstMissing}): ${fix}`,
      );
    }
    throw new FeaturePipelineError(
      `feature '${col.name}' has ${infinite} infinite value${infinite === 1 ? '' : 's'} after the pipeline ${where} (first at row ${firstInfinite})`,
    );
  }
}

/**
 * The working columns as a matrix, after `checkFinalColumns`: plain columns row-major in `data`,
 * encoded columns as one-hot blocks at their place in the column order.
 */
export function toMatrix(work: WorkingSet, phase: Phase): { matrix: Matrix; featureNames: string[] } {
  checkFinalColumns(work, phase);
  const rows = work.rows;
  const sources: Float64Array[] = [];
  const onehot: OneHotBlock[] = [];
  let offset = 0;
  for (const c of work.columns) {
    if (c.type === 'encoded') {
      onehot.push({ offset, width: c.names.length, index: c.index });
      offset += c.names.length;
    } else {
      sources.push(c.values as Float64Array);
      offset++;
    }
  }
  const cols = sources.length;
  const data = new Float64Array(rows * cols);
  // Blocks of rows, so the strided writes of one column stay in cache for the next column.
  const BLOCK = 2048;
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let j = 0; j < cols; j++) {
      const v = sources[j] as Float64Array;
      for (let i = start, at = start * cols + j; i < end; i++, at += cols) data[at] = v[i] as number;
    }
  }
  const matrix: Matrix = { data, rows, cols: offset };
  if (onehot.length) matrix.onehot = onehot;
  // Per full column (an encoded column spans its categories): category codes for gradient boosting.
  if (work.columns.some((c) => c.type !== 'encoded' && c.categorical)) {
    const categorical: boolean[] = [];
    for (const c of work.columns) {
      if (c.type === 'encoded') for (let k = 0; k < c.names.length; k++) categorical.push(false);
      else categorical.push(c.categorical === true);
    }
    matrix.categorical = categorical;
  }
  return { matrix, featureNames: outputNames(work.columns) };
}
