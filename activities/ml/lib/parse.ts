/**
 * Parse a tabular source (JSON rows or columns, CSV, TSV, Parquet, Arrow) into row objects with
 * arquero, optionally renaming columns to snake_case ("Beak Length (mm)" → "beak_length_mm").
 */
import * as aq from 'arquero';
import type { Row } from '../types';
import { csvToFrame } from './csv-frame';
import { columnFromValues, type Frame } from './frame';
import { readBinaryTable } from './parse-binary';

export type TableFormat = 'json' | 'csv' | 'tsv' | 'parquet' | 'arrow';
export const TABLE_FORMATS: readonly TableFormat[] = ['json', 'csv', 'tsv', 'parquet', 'arrow'];

/** The format named by a file extension or a Content-Type; undefined when neither says. */
export function detectFormat(location: string, contentType?: string): TableFormat | undefined {
  const path = location.split(/[?#]/)[0]?.toLowerCase() ?? '';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.tsv')) return 'tsv';
  if (path.endsWith('.parquet') || path.endsWith('.pq')) return 'parquet';
  if (path.endsWith('.arrow') || path.endsWith('.feather') || path.endsWith('.ipc') || path.endsWith('.arrows')) return 'arrow';
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'text/csv') return 'csv';
  if (type === 'text/tab-separated-values') return 'tsv';
  if (type === 'application/vnd.apache.parquet') return 'parquet';
  if (type === 'application/vnd.apache.arrow.file' || type === 'application/vnd.apache.arrow.stream') return 'arrow';
  return undefined;
}

/** "Beak Length (mm)" → "beak_length_mm". */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface ParsedTable {
  rows: Row[];
  columns: string[];
}

/** Text formats only; `parseSource` also reads the binary ones. */
export function parseTable(text: string, format: Exclude<TableFormat, 'parquet' | 'arrow'>, normalizeColumns: boolean): ParsedTable {
  // JSON is already typed; autoType would turn ISO-looking strings into Dates.
  const table =
    format === 'json'
      ? aq.fromJSON(text, { autoType: false })
      : aq.fromCSV(text, { delimiter: format === 'tsv' ? '\t' : ',', autoType: true });
  return toParsed(table, normalizeColumns);
}

/** Any supported format, from the source's bytes. */
export async function parseSource(bytes: Uint8Array, format: TableFormat, normalizeColumns: boolean): Promise<ParsedTable> {
  if (format === 'parquet' || format === 'arrow') return toParsed(await readBinaryTable(bytes, format), normalizeColumns);
  // fatal: a file that is not UTF-8 text is an error, not silently mangled characters.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return parseTable(text, format, normalizeColumns);
}

function toParsed(input: aq.ColumnTable, normalizeColumns: boolean): ParsedTable {
  const table = normalizeColumns ? normalizeNames(input) : input;
  return { rows: table.objects() as Row[], columns: table.columnNames() };
}

/** Rename every column to snake_case, refusing names that vanish or collide. */
function normalizeNames(input: aq.ColumnTable): aq.ColumnTable {
  const names = input.columnNames();
  const next = normalizedNames(names);
  return input.rename(Object.fromEntries(names.map((name, i) => [name, next[i] as string])));
}

/** The snake_case names of `names`, in order; a RangeError naming the columns when one vanishes or two collide. */
export function normalizedNames(names: readonly string[]): string[] {
  const taken = new Map<string, string>();
  return names.map((name) => {
    const next = snakeCase(name);
    if (next === '') throw new RangeError(`column ${JSON.stringify(name)} has no letters or digits to name it by`);
    const clash = taken.get(next);
    if (clash !== undefined) throw new RangeError(`columns ${JSON.stringify(clash)} and ${JSON.stringify(name)} both normalize to '${next}'`);
    taken.set(next, name);
    return next;
  });
}

export interface FrameParseOptions {
  normalizeColumns: boolean;
  /** Strings that mean "no value" besides blanks (e.g. 'NA', '.'). */
  missingValues?: readonly string[];
}

/**
 * Any supported format → a typed Frame (column types inferred once, here). CSV and TSV go through
 * the fast scanner (./csv-frame.ts: types inferred over every value, malformed text → an error
 * with its line number); JSON, Parquet and Arrow through arquero and `columnFromValues`.
 */
export async function parseSourceFrame(bytes: Uint8Array, format: TableFormat, o: FrameParseOptions): Promise<Frame> {
  let frame: Frame;
  if (format === 'csv' || format === 'tsv') {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    frame = csvToFrame(text, { delimiter: format === 'tsv' ? '\t' : ',', missingValues: o.missingValues ?? [] });
  } else {
    const table =
      format === 'json' ? aq.fromJSON(new TextDecoder('utf-8', { fatal: true }).decode(bytes), { autoType: false }) : await readBinaryTable(bytes, format);
    const columns = table.columnNames().map((name) => columnFromValues(name, table.array(name) as ArrayLike<unknown> as unknown[], o.missingValues));
    frame = { rows: table.numRows(), columns };
  }
  if (!o.normalizeColumns) return frame;
  const names = normalizedNames(frame.columns.map((c) => c.name));
  return { rows: frame.rows, columns: frame.columns.map((c, i) => ({ ...c, name: names[i] as string })) };
}
