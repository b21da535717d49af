/**
 * Number formatting for the report: 4 significant digits, thousands separators for counts,
 * NaN/Infinity as words, timestamps as UTC ISO dates, and the direction of known metrics (so a
 * lower log loss shows as an improvement). Locale is fixed to en-US: the report must read the
 * same whatever machine rendered it.
 */

const SIG4 = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return undefined;
}

/** 4 significant digits: 0.9512, 12,350, 1.235e-5; NaN/Infinity as text; -0 as 0. */
export function fmtNum(x: number | undefined | null): string {
  if (x === undefined || x === null) return '–';
  if (typeof x !== 'number') return String(x);
  const nf = nonFinite(x);
  if (nf) return nf;
  if (x === 0) return '0';
  const a = Math.abs(x);
  // Very small or astronomically large values: exponent notation keeps 4 digits readable.
  if (a < 1e-4 || a >= 1e15) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return SIG4.format(x);
}

/** Integer counts with thousands separators (1,234,567). */
export function fmtCount(x: number | undefined | null): string {
  if (x === undefined || x === null) return '–';
  return nonFinite(x) ?? INT.format(x);
}

/** A fraction in [0, 1] as a percentage: 0.1234 → 12.34%. */
export function fmtPct(x: number | undefined | null): string {
  if (x === undefined || x === null) return '–';
  return nonFinite(x) ?? `${fmtNum(x * 100)}%`;
}

/** A signed difference: +0.0123, -0.0045, 0; NaN/Infinity as text. */
export function fmtDelta(x: number): string {
  const nf = nonFinite(x);
  if (nf) return nf === 'Infinity' ? '+Infinity' : nf;
  return x > 0 ? `+${fmtNum(x)}` : fmtNum(x);
}

/** Epoch milliseconds as a UTC ISO date, trimmed of zero time parts (2024-03-01, 2024-03-01 12:30). */
export function fmtTimestamp(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '–';
  const nf = nonFinite(ms);
  if (nf) return nf;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return fmtNum(ms);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  if (iso.endsWith(':00.000Z')) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A duration in milliseconds with a sensible unit (a timestamp column's standard deviation). */
export function fmtDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '–';
  const nf = nonFinite(ms);
  if (nf) return nf;
  const a = Math.abs(ms);
  if (a >= 86_400_000) return `${fmtNum(ms / 86_400_000)} d`;
  if (a >= 3_600_000) return `${fmtNum(ms / 3_600_000)} h`;
  if (a >= 60_000) return `${fmtNum(ms / 60_000)} min`;
  if (a >= 1000) return `${fmtNum(ms / 1000)} s`;
  return `${fmtNum(ms)} ms`;
}

export { higherIsBetter } from '../metrics/direction';
