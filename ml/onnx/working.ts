/**
 * The feature pipeline's working columns as ONNX values, mirroring ml/features' WorkingSet step
 * by step: a numeric column is a float64 [N,1] value; a string column stays the raw input tensor
 * plus what its missing token ('') currently stands for (an impute step only records its fill:
 * string columns are read once, by the encoder that turns them into codes); a one-hot column is
 * an int64 [N,1] slot (−1: no output set), expanded to its block only at the end.
 * Rows Tideflow refuses (a category unknown under handleUnknown 'error', a value outside log's
 * domain, a missing or infinite final feature) are collected as boolean [N,1] flags.
 */
import { InputError } from '../../core/errors';
import { ColumnList } from '../features/column-list';
import { DataType, type GraphBuilder } from './graph';

/** Export refusals and impossibilities: never worth a retry; the message names the step and why. */
export class OnnxExportError extends InputError {
  override readonly name = 'OnnxExportError';
}

/** The token a client passes for a missing string value (string tensors have no null). */
export const MISSING_STRING = '';

export type SymColumn =
  | { kind: 'number'; name: string; value: string; group?: string; categorical?: boolean }
  /** `missingAs`: null while '' still means missing; after impute, the fill value '' stands for. */
  | { kind: 'string'; name: string; value: string; missingAs: string | null; group?: string }
  | { kind: 'encoded'; name: string; group: string; names: string[]; slot: string };

export class SymWorkingSet extends ColumnList<SymColumn> {
  readonly invalid: string[] = [];
  constructor(
    readonly g: GraphBuilder,
    columns: SymColumn[],
  ) {
    super(columns);
  }

  get(name: string): Exclude<SymColumn, { kind: 'encoded' }> {
    const col = this.columns.find(
      (c): c is Exclude<SymColumn, { kind: 'encoded' }> => c.name === name && c.group === undefined && c.kind !== 'encoded',
    );
    if (!col) throw new Error(`onnx export: working column '${name}' is missing (the fitted pipeline and its replay disagree)`);
    return col;
  }

  numeric(name: string): string {
    const col = this.get(name);
    if (col.kind !== 'number') throw new Error(`onnx export: working column '${name}' holds strings`);
    return col.value;
  }

  /** Rows where `flag` (bool [N,1]) is true are refused by Tideflow: the export marks them invalid. */
  refuseWhere(flag: string): void {
    this.invalid.push(flag);
  }
}

/** A categorical value as Tideflow keeps it: a string, a finite number, or null (missing). */
export type Key = string | number | null;

/**
 * Per row, the position of the column's value in `keys` (the non-null ones), as int64 [N,1]:
 * K = keys.length for a value not listed, K + 1 for a missing value. Exact: strings by
 * ai.onnx.ml LabelEncoder (string → int64), numbers by float64 Equal against every key.
 */
export function keyIndex(g: GraphBuilder, col: Exclude<SymColumn, { kind: 'encoded' }>, keys: readonly Key[], where: string): string {
  const K = keys.length;
  if (col.kind === 'string') {
    const strs = keys.map((k) => {
      if (typeof k !== 'string') throw new Error(`onnx export: ${where}: string column '${col.name}' has a non-string category`);
      if (k === MISSING_STRING)
        throw new OnnxExportError(
          `${where}: column '${col.name}' has the empty string as a category, but the ONNX file passes a missing string value as '' (string tensors cannot hold null): the two would be confused, so it cannot be exported exactly`,
        );
      return k;
    });
    const missingTo = col.missingAs === null ? K + 1 : strs.includes(col.missingAs) ? strs.indexOf(col.missingAs) : K;
    return g.op1(
      'LabelEncoder',
      [col.value],
      {
        keys_strings: { kind: 'strings', value: [...strs, MISSING_STRING] },
        values_int64s: { kind: 'ints', value: [...strs.map((_, i) => i), missingTo] },
        default_int64: { kind: 'int', value: K },
      },
      'ai.onnx.ml',
    );
  }
  const nums = keys.map((k) => {
    if (typeof k !== 'number') throw new Error(`onnx export: ${where}: numeric column '${col.name}' has a non-numeric category`);
    return k;
  });
  const isNan = g.op1('IsNaN', [col.value]);
  const k1 = g.int64s([K + 1], [1, 1]);
  if (K === 0) return g.op1('Where', [isNan, k1, g.int64s([K], [1, 1])]);
  const eq = g.op1('Cast', [g.op1('Equal', [col.value, g.doubles(nums, [1, K])])], { to: { kind: 'int', value: DataType.DOUBLE } });
  const hit = g.op1('Cast', [g.op1('ReduceMax', [eq], { axes: { kind: 'ints', value: [1] }, keepdims: { kind: 'int', value: 1 } })], {
    to: { kind: 'int', value: DataType.BOOL },
  });
  const first = g.op1('ArgMax', [eq], { axis: { kind: 'int', value: 1 }, keepdims: { kind: 'int', value: 1 } });
  const known = g.op1('Where', [hit, first, g.int64s([K], [1, 1])]);
  return g.op1('Where', [isNan, k1, known]);
}

/** Look `index` (int64 [N,1]) up in `table` (int64 or double, 1-D): [N,1]. */
export function lookup(g: GraphBuilder, table: string, index: string): string {
  return g.op1('Gather', [table, index], { axis: { kind: 'int', value: 0 } });
}
