/**
 * Rows sent to a model over a network (JSON values) → a typed Frame with exactly the columns the
 * model's feature pipeline was fitted on, each with its training type. Everything a client can get
 * wrong is a PredictionInputError naming the column and the row, so a server answers 400, never 500:
 *   - a column the model needs is absent;
 *   - a value of the wrong JSON type (an object, a boolean where a number is expected, …);
 *   - a string that does not parse as the column's type (a number, a boolean, an ISO-8601 time).
 * null (and a record without the key) is a missing value: the pipeline imputes it or reports it.
 * Columns the model does not use are ignored.
 */
import { parseIsoTimestamp, type ColumnSchema, type Frame, type FrameColumn } from '../frame/frame';

export class PredictionInputError extends Error {
  override readonly name = 'PredictionInputError';
}

/** Input cells by column name; every array has `rows` entries (undefined = missing). */
export interface InputColumns {
  rows: number;
  columns: ReadonlyMap<string, readonly unknown[]>;
}

const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const where = (column: string, row: number): string => `column '${column}', row ${row}`;

function wrongType(column: string, row: number, v: unknown, expected: string): PredictionInputError {
  const kind = Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
  return new PredictionInputError(`${where(column, row)}: ${show(v)} is ${kind}; the model expects ${expected}`);
}

function toNumber(column: string, row: number, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    const n = t === '' ? NaN : Number(t);
    if (Number.isNaN(n)) throw new PredictionInputError(`${where(column, row)}: ${show(v)} is not a number`);
    return n;
  }
  throw wrongType(column, row, v, 'a number');
}

function toBoolean(column: string, row: number, v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 0 || v === 1) return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1') return 1;
    if (t === 'false' || t === '0') return 0;
    throw new PredictionInputError(`${where(column, row)}: ${show(v)} is not a boolean (true/false)`);
  }
  throw wrongType(column, row, v, 'a boolean');
}

function toTimestamp(column: string, row: number, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = parseIsoTimestamp(v);
    if (Number.isNaN(t)) throw new PredictionInputError(`${where(column, row)}: ${show(v)} is not an ISO-8601 date or date-time`);
    return t;
  }
  throw wrongType(column, row, v, 'an ISO-8601 date-time string or epoch milliseconds');
}

function toLabel(column: string, row: number, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw wrongType(column, row, v, 'a string');
}

function typedColumn(schema: ColumnSchema, cells: readonly unknown[], rows: number): FrameColumn {
  const { name, type } = schema;
  if (type === 'string') {
    const values = new Array<string | null>(rows);
    for (let i = 0; i < rows; i++) {
      const v = cells[i];
      values[i] = v === null || v === undefined ? null : toLabel(name, i, v);
    }
    return { name, type, values };
  }
  const convert = type === 'number' ? toNumber : type === 'boolean' ? toBoolean : toTimestamp;
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = cells[i];
    values[i] = v === null || v === undefined ? NaN : convert(name, i, v);
  }
  return { name, type, values };
}

/** The model's input frame: `schema` (the pipeline's fitted inputs) in order, each column typed as at training. */
export function frameForModel(schema: readonly ColumnSchema[], input: InputColumns): Frame {
  const missing = schema.filter((c) => !input.columns.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    const given = [...input.columns.keys()];
    throw new PredictionInputError(
      `missing column${missing.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')}: the model needs ${schema
        .map((c) => `${c.name} (${c.type})`)
        .join(', ')}; the request has ${given.length > 0 ? given.join(', ') : 'no columns'}`,
    );
  }
  const columns = schema.map((c) => typedColumn(c, input.columns.get(c.name) ?? [], input.rows));
  return { rows: input.rows, columns };
}
