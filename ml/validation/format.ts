/** How anomaly messages print numbers, shares and example values: short, exact enough, readable. */

/** 1234567 → '1,234,567'. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** 0.1234 → '12.3%'; tiny non-zero shares keep two significant digits ('0.0012%'). */
export function percent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0 || p >= 10 || Number.isInteger(p)) return `${Number(p.toFixed(1))}%`;
  return `${Number(p.toPrecision(2))}%`;
}

/** `part` of `whole` as "3 of 1,000 (0.3%)". */
export const share = (part: number, whole: number): string =>
  `${count(part)} of ${count(whole)} (${percent(whole === 0 ? 0 : part / whole)})`;

/** An example value as it should appear in a message: strings quoted and cut at 40 characters. */
export function example(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  const cut = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return `'${cut.replace(/\n/g, '\\n')}'`;
}

/** A number or timestamp for a message: ISO-8601 for timestamps, the number otherwise (±Infinity as such). */
export const valueOf = (type: string, v: number): string =>
  type === 'timestamp' && Number.isFinite(v) ? new Date(v).toISOString() : String(v);
