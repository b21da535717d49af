/**
 * Escaping for everything user-provided that reaches the report: column names, category values,
 * params, messages, URIs. One function for text and (always double-quoted) attribute values, so
 * no call site has to choose. Also a JSON rendering that survives NaN, BigInt and cycles.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute-safe HTML for any value (null/undefined → ''). */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Cuts a string to `max` characters with an ellipsis, so one huge label cannot swamp a table. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Pretty JSON for display (not for parsing back): non-finite numbers show as text, BigInts as
 * digits, cycles as "[circular]"; output longer than `maxChars` is cut with a note.
 */
export function displayJson(value: unknown, maxChars = 20_000): string {
  const seen = new WeakSet<object>();
  let text: string;
  try {
    text =
      JSON.stringify(
        value,
        (_key, v: unknown) => {
          if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
          if (typeof v === 'bigint') return v.toString();
          if (typeof v === 'object' && v !== null) {
            if (seen.has(v)) return '[circular]';
            seen.add(v);
          }
          return v;
        },
        2,
      ) ?? String(value);
  } catch (e) {
    text = `[not serializable: ${e instanceof Error ? e.message : String(e)}]`;
  }
  // Arrays of scalars on one line when short: a grid of 4 values should not take 6 lines. JSON
  // strings cannot hold a raw newline, so removing newlines inside such an array is safe.
  text = text.replace(/\[\n[^[\]{}]*?\n\s*\]/g, (m) => {
    const one = m.replace(/\n\s*/g, ' ').replace(/\[ /, '[').replace(/ \]$/, ']');
    return one.length <= 100 ? one : m;
  });
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars)}\n… (${(text.length - maxChars).toLocaleString('en-US')} more characters not shown)`;
}
