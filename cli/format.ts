/**
 * Text formatting for people: aligned tables, durations, clock times. Pure functions, so the
 * shapes of every table are unit tested without a terminal.
 */

export interface TableOptions {
  indent?: string;
  /** Cap on any one cell's width; longer cells are cut with '…' (the last column is never cut). */
  maxCellWidth?: number;
}

/** Display width of a string; our symbols (✓ ✗ ↷ …) are all one column wide. */
function width(text: string): number {
  return [...text].length;
}

export function truncate(text: string, max: number): string {
  const firstLine = text.split('\n', 1)[0] ?? '';
  const cut = firstLine !== text;
  if (width(firstLine) <= max && !cut) return firstLine;
  const chars = [...firstLine];
  return chars.length < max ? `${firstLine}…` : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A table with a header row; columns are padded to their widest cell, trailing spaces trimmed. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], o: TableOptions = {}): string {
  const indent = o.indent ?? '';
  const max = o.maxCellWidth ?? Infinity;
  const last = headers.length - 1;
  const cells = [headers, ...rows].map((row) => headers.map((_, i) => (i === last ? (row[i] ?? '') : truncate(row[i] ?? '', max))));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => width(row[i] ?? ''))));
  const lines = cells.map((row) =>
    `${indent}${row.map((cell, i) => (i === last ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell)))).join('  ')}`.trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** Two columns, the second aligned: help's commands and options, a run's header fields. */
export function columns(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const w = Math.max(0, ...rows.map(([left]) => width(left)));
  return rows.map(([left, right]) => `${indent}${left}${' '.repeat(w - width(left))}  ${right}`.trimEnd());
}

/** 0.2s, 12.3s, 3m 05s, 1h 02m: short, and precise where precision matters. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, '0')}m` : `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** Milliseconds from `start` to `end` (or to `now` while still running); undefined without a start. */
export function elapsedMs(start: string | undefined, end: string | undefined, now: number = Date.now()): number | undefined {
  if (start === undefined) return undefined;
  const from = Date.parse(start);
  const to = end !== undefined ? Date.parse(end) : now;
  return Number.isNaN(from) || Number.isNaN(to) ? undefined : Math.max(0, to - from);
}

/** HH:MM:SS in UTC: the header says the date, the table only needs the time. */
export function formatClock(iso: string | undefined): string {
  if (iso === undefined) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(11, 19);
}

/** 2024-01-01 03:00:00Z: an instant, readable and unambiguous. */
export function formatInstant(iso: string | undefined): string {
  if (iso === undefined) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Compact one-line JSON for headers; long values are cut, since `--json` has the full data. */
export function compactJson(value: unknown, max = 120): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return truncate(text, max);
}
