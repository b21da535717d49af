/**
 * JSON Lines (NDJSON, https://jsonlines.org): one JSON object per line, blank lines ignored.
 * A line that is not a JSON object is an error naming its line number. Also recognises JSON
 * Lines saved under a `.json` name (BigQuery and Spark exports do that).
 */
import { InputError } from '../../core/errors';
import type { Row } from '../frame/frame';

export function parseJsonLines(text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InputError(`line ${i + 1}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new InputError(
        `line ${i + 1}: expected a JSON object per line, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
      );
    rows.push(value as Row);
  }
  return rows;
}

/** True when a ".json" text is really JSON Lines: a complete object on the first line and more after it. */
export function looksLikeJsonLines(text: string): boolean {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{')) return false;
  const nl = trimmed.indexOf('\n');
  if (nl < 0 || trimmed.slice(nl).trim() === '') return false;
  try {
    const first: unknown = JSON.parse(trimmed.slice(0, nl));
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}
