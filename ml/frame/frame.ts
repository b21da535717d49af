/**
 * Frame: the in-memory columnar table every ML step works on. Columns are typed once, at
 * ingest, so later steps never guess:
 *   number     Float64Array; NaN = missing (Infinity is kept, and validation reports it)
 *   boolean    Float64Array of 1 / 0; NaN = missing
 *   timestamp  Float64Array of epoch milliseconds (UTC); NaN = missing
 *   string     (string | null)[]; null = missing
 * The dataset artifact (../dataset.ts) stores a Frame as Arrow IPC with the same types.
 */
import { InputError } from '../../core/errors';
/** A row as parsed from a source: column name → cell value. */
export type Row = Record<string, unknown>;

export type ColumnType = 'number' | 'boolean' | 'timestamp' | 'string';
export const COLUMN_TYPES: readonly ColumnType[] = ['number', 'boolean', 'timestamp', 'string'];

export interface NumericColumn {
  name: string;
  type: 'number' | 'boolean' | 'timestamp';
  values: Float64Array;
}

export interface StringColumn {
  name: string;
  type: 'string';
  values: (string | null)[];
}

export type FrameColumn = NumericColumn | StringColumn;

export interface Frame {
  rows: number;
  columns: FrameColumn[];
}

export interface ColumnSchema {
  name: string;
  type: ColumnType;
}

export const schemaOf = (frame: Frame): ColumnSchema[] => frame.columns.map((c) => ({ name: c.name, type: c.type }));

export function hasColumn(frame: Frame, name: string): boolean {
  return frame.columns.some((c) => c.name === name);
}

/** The named column; an InputError naming the column and the ones that exist when it is absent. */
export function getColumn(frame: Frame, name: string): FrameColumn {
  const col = frame.columns.find((c) => c.name === name);
  if (!col) throw new InputError(`column '${name}' does not exist (columns: ${frame.columns.map((c) => c.name).join(', ')})`);
  return col;
}

/** A number, boolean or timestamp column; an InputError naming the column and its type otherwise. */
export function getNumericColumn(frame: Frame, name: string): NumericColumn {
  const col = getColumn(frame, name);
  if (col.type === 'string') throw new InputError(`column '${name}' holds strings, not numbers`);
  return col;
}

export function isMissingAt(col: FrameColumn, i: number): boolean {
  return col.type === 'string' ? col.values[i] === null : Number.isNaN(col.values[i]);
}

/** The cell as a plain JSON-able value: number, boolean, ISO string for timestamps, string, or null. */
export function cellAt(col: FrameColumn, i: number): number | boolean | string | null {
  if (col.type === 'string') return col.values[i] ?? null;
  const v = col.values[i] ?? NaN;
  if (Number.isNaN(v)) return null;
  if (col.type === 'boolean') return v === 1;
  if (col.type === 'timestamp') return new Date(v).toISOString();
  return v;
}

/** The cell as a category label (strings as they are; numbers and booleans printed); null when missing. */
export function categoryAt(col: FrameColumn, i: number): string | null {
  const v = cellAt(col, i);
  return v === null ? null : String(v);
}

/** The rows at `indices`, in that order (a split, a fold, a filtered window). */
export function takeRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const n = indices.length;
  const columns = frame.columns.map((col): FrameColumn => {
    if (col.type === 'string') {
      const values = new Array<string | null>(n);
      for (let i = 0; i < n; i++) values[i] = col.values[indices[i] as number] ?? null;
      return { name: col.name, type: 'string', values };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = col.values[indices[i] as number] ?? NaN;
    return { name: col.name, type: col.type, values };
  });
  return { rows: n, columns };
}

/** The named columns only (shared, not copied), in the order given. */
export function selectColumns(frame: Frame, names: readonly string[]): Frame {
  return { rows: frame.rows, columns: names.map((n) => getColumn(frame, n)) };
}

/** Row objects (for small frames: samples, reports, tests). */
export function frameToRows(frame: Frame, limit = frame.rows): Row[] {
  const n = Math.min(limit, frame.rows);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const row: Row = {};
    for (const col of frame.columns) row[col.name] = cellAt(col, i);
    rows.push(row);
  }
  return rows;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO-8601 date or date-time string (date-only and zone-less values are UTC); NaN if it is not one. */
export function parseIsoTimestamp(s: string): number {
  const t = s.trim();
  if (!ISO_DATE.test(t)) return NaN;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
  return Date.parse(hasZone ? t.replace(' ', 'T') : t.length === 10 ? `${t}T00:00:00Z` : `${t.replace(' ', 'T')}Z`);
}

export interface FromRowsOptions {
  /** Strings that mean "no value" besides null, undefined and blank strings (e.g. 'NA', '.'). */
  missingValues?: readonly string[];
  /** Column order; default: order of first appearance across the rows. */
  columns?: readonly string[];
}

function isBlank(v: unknown, tokens: ReadonlySet<string>): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return Number.isNaN(v);
  if (v instanceof Date) return Number.isNaN(v.getTime());
  if (typeof v === 'string') return v.trim() === '' || tokens.has(v.trim());
  return false;
}

function inferType(values: readonly unknown[], tokens: ReadonlySet<string>): ColumnType {
  let kind: ColumnType | undefined;
  for (const v of values) {
    if (isBlank(v, tokens)) continue;
    const k: ColumnType =
      typeof v === 'number' || typeof v === 'bigint'
        ? 'number'
        : typeof v === 'boolean'
          ? 'boolean'
          : v instanceof Date || (typeof v === 'string' && !Number.isNaN(parseIsoTimestamp(v)))
            ? 'timestamp'
            : 'string';
    if (kind === undefined) kind = k;
    else if (kind !== k) return 'string';
  }
  return kind ?? 'string';
}

function toTimestamp(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'string' ? parseIsoTimestamp(v) : NaN;
}

function toLabel(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** One column from raw cell values, its type inferred: all numbers → number, all booleans → boolean, all dates or ISO strings → timestamp, else string. */
export function columnFromValues(name: string, values: readonly unknown[], missingValues: readonly string[] = []): FrameColumn {
  const tokens = new Set(missingValues);
  const type = inferType(values, tokens);
  const n = values.length;
  if (type === 'string') {
    const out = new Array<string | null>(n);
    for (let i = 0; i < n; i++) out[i] = isBlank(values[i], tokens) ? null : toLabel(values[i]);
    return { name, type, values: out };
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = isBlank(v, tokens) ? NaN : type === 'timestamp' ? toTimestamp(v) : type === 'boolean' ? (v ? 1 : 0) : Number(v);
  }
  return { name, type, values: out };
}

/** Rows as parsed from a source → a typed Frame. */
export function frameFromRows(rows: readonly Row[], o: FromRowsOptions = {}): Frame {
  const names = o.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns = names.map((name) =>
    columnFromValues(
      name,
      rows.map((r) => r[name]),
      o.missingValues,
    ),
  );
  return { rows: rows.length, columns };
}
