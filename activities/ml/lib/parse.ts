/**
 * Parse a tabular source (JSON rows or columns, CSV, TSV) into row objects with arquero,
 * optionally renaming columns to snake_case ("Beak Length (mm)" → "beak_length_mm").
 */
import * as aq from 'arquero';
import type { Row } from '../types';

export type TableFormat = 'json' | 'csv' | 'tsv';

/** The format named by a file extension or a Content-Type; undefined when neither says. */
export function detectFormat(location: string, contentType?: string): TableFormat | undefined {
  const path = location.split(/[?#]/)[0]?.toLowerCase() ?? '';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.tsv')) return 'tsv';
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'text/csv') return 'csv';
  if (type === 'text/tab-separated-values') return 'tsv';
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

export function parseTable(text: string, format: TableFormat, normalizeColumns: boolean): ParsedTable {
  // JSON is already typed; autoType would turn ISO-looking strings into Dates.
  let table =
    format === 'json'
      ? aq.fromJSON(text, { autoType: false })
      : aq.fromCSV(text, { delimiter: format === 'tsv' ? '\t' : ',', autoType: true });
  if (normalizeColumns) {
    const renames = new Map<string, string>();
    for (const name of table.columnNames()) {
      const next = snakeCase(name);
      if (next === '') throw new RangeError(`column ${JSON.stringify(name)} has no letters or digits to name it by`);
      const clash = [...renames].find(([, v]) => v === next);
      if (clash) throw new RangeError(`columns ${JSON.stringify(clash[0])} and ${JSON.stringify(name)} both normalize to '${next}'`);
      renames.set(name, next);
    }
    table = table.rename(Object.fromEntries(renames));
  }
  return { rows: table.objects() as Row[], columns: table.columnNames() };
}
