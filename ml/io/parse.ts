/**
 * Parse a tabular source (CSV, TSV, JSON rows or columns, JSON Lines, Parquet, Arrow) into a typed
 * Frame — or row objects, a view of that Frame — optionally renaming columns to snake_case
 * ("Beak Length (mm)" → "beak_length_mm").
 */
import { InputError } from '../../core/errors';
import * as aq from 'arquero';
import type { Row } from '../frame/frame';
import { csvToFrame } from './csv';
import { fromArquero } from '../frame/arquero';
import { frameFromRows, frameToRows, type Frame } from '../frame/frame';
import { looksLikeJsonLines, parseJsonLines } from './json-lines';
import { readBinaryTable } from './columnar';

export type TableFormat = 'json' | 'jsonl' | 'csv' | 'tsv' | 'parquet' | 'arrow';
export const TABLE_FORMATS: readonly TableFormat[] = ['json', 'jsonl', 'csv', 'tsv', 'parquet', 'arrow'];

/** The format named by a file extension or a Content-Type; undefined when neither says. */
export function detectFormat(location: string, contentType?: string): TableFormat | undefined {
  const path = location.split(/[?#]/)[0]?.toLowerCase() ?? '';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) return 'jsonl';
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.tsv')) return 'tsv';
  if (path.endsWith('.parquet') || path.endsWith('.pq')) return 'parquet';
  if (path.endsWith('.arrow') || path.endsWith('.feather') || path.endsWith('.ipc') || path.endsWith('.arrows')) return 'arrow';
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/json-lines') return 'jsonl';
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

/**
 * Text formats as row objects (what the drift monitor and tests compare): a view of the same
 * typed Frame ingest stores, so a column is typed the same way whichever step reads it.
 */
export function parseTable(
  text: string,
  format: TextFormat,
  normalizeColumns: boolean,
  missingValues: readonly string[] = [],
): ParsedTable {
  return toParsed(normalize(parseTextFrame(text, format, missingValues), normalizeColumns));
}

/** Any supported format as row objects, from the source's bytes. */
export async function parseSource(
  bytes: Uint8Array,
  format: TableFormat,
  normalizeColumns: boolean,
  missingValues: readonly string[] = [],
): Promise<ParsedTable> {
  return toParsed(await parseSourceFrame(bytes, format, { normalizeColumns, missingValues }));
}

const toParsed = (frame: Frame): ParsedTable => ({ rows: frameToRows(frame), columns: frame.columns.map((c) => c.name) });

/** The snake_case names of `names`, in order; an InputError naming the columns when one vanishes or two collide. */
export function normalizedNames(names: readonly string[]): string[] {
  const taken = new Map<string, string>();
  return names.map((name) => {
    const next = snakeCase(name);
    if (next === '') throw new InputError(`column ${JSON.stringify(name)} has no letters or digits to name it by`);
    const clash = taken.get(next);
    if (clash !== undefined)
      throw new InputError(`columns ${JSON.stringify(clash)} and ${JSON.stringify(name)} both normalize to '${next}'`);
    taken.set(next, name);
    return next;
  });
}

export interface FrameParseOptions {
  normalizeColumns: boolean;
  /** Strings that mean "no value" besides blanks (e.g. 'NA', '.'). */
  missingValues?: readonly string[];
}

type TextFormat = Exclude<TableFormat, 'parquet' | 'arrow'>;

/**
 * A text format → a typed Frame. CSV and TSV go through the fast scanner (./csv-frame.ts: types
 * inferred over every value, malformed text → an error with its line number); JSON (rows or
 * columns) through arquero; JSON Lines, also under a .json name, line by line.
 */
function parseTextFrame(text: string, format: TextFormat, missingValues: readonly string[]): Frame {
  if (format === 'csv' || format === 'tsv') return csvToFrame(text, { delimiter: format === 'tsv' ? '\t' : ',', missingValues });
  if (format === 'jsonl' || looksLikeJsonLines(text)) return frameFromRows(parseJsonLines(text), { missingValues });
  // JSON is already typed; arquero's autoType would turn ISO-looking strings into Dates here.
  return fromArquero(aq.fromJSON(text, { autoType: false }), missingValues);
}

function normalize(frame: Frame, normalizeColumns: boolean): Frame {
  if (!normalizeColumns) return frame;
  const names = normalizedNames(frame.columns.map((c) => c.name));
  return { rows: frame.rows, columns: frame.columns.map((c, i) => ({ ...c, name: names[i] as string })) };
}

/** Any supported format → a typed Frame (column types inferred once, here). */
export async function parseSourceFrame(bytes: Uint8Array, format: TableFormat, o: FrameParseOptions): Promise<Frame> {
  const missing = o.missingValues ?? [];
  // fatal: a file that is not UTF-8 text is an error, not silently mangled characters.
  const frame =
    format === 'parquet' || format === 'arrow'
      ? fromArquero(await readBinaryTable(bytes, format), missing)
      : parseTextFrame(new TextDecoder('utf-8', { fatal: true }).decode(bytes), format, missing);
  return normalize(frame, o.normalizeColumns);
}
