/**
 * Row-level cleaning for validation: keep the model's columns, coerce numeric features to
 * numbers, and drop each row with a missing or unusable value, counting why per column.
 */
import type { FeatureSpec, Row } from '../types';

export interface CleanResult {
  rows: Row[];
  /** Rows dropped because of each column (a row missing two values counts under both). */
  missingByColumn: Record<string, number>;
  /** Numeric-feature values present but not numbers (also dropped). */
  nonNumericByColumn: Record<string, number>;
}

/** null, undefined, NaN, blank strings and the given tokens (e.g. 'NA', '.') are missing. */
export function isMissing(value: unknown, tokens: ReadonlySet<string>): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') return value.trim() === '' || tokens.has(value.trim());
  return false;
}

/** A finite number from a number or a numeric string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function cleanRows(rows: readonly Row[], target: string, spec: FeatureSpec, missingTokens: readonly string[]): CleanResult {
  const tokens = new Set(missingTokens);
  const columns = [target, ...spec.numeric, ...spec.categorical];
  const numeric = new Set(spec.numeric);
  const missingByColumn: Record<string, number> = Object.fromEntries(columns.map((c) => [c, 0]));
  const nonNumericByColumn: Record<string, number> = Object.fromEntries(spec.numeric.map((c) => [c, 0]));
  const kept: Row[] = [];
  for (const row of rows) {
    const out: Row = {};
    let ok = true;
    for (const col of columns) {
      const value = row[col];
      if (isMissing(value, tokens)) {
        missingByColumn[col] = (missingByColumn[col] ?? 0) + 1;
        ok = false;
      } else if (numeric.has(col)) {
        const n = toNumber(value);
        if (n === undefined) {
          nonNumericByColumn[col] = (nonNumericByColumn[col] ?? 0) + 1;
          ok = false;
        } else out[col] = n;
      } else {
        out[col] = typeof value === 'string' ? value.trim() : String(value);
      }
    }
    if (ok) kept.push(out);
  }
  return { rows: kept, missingByColumn, nonNumericByColumn };
}

/** Rows per class, classes sorted. */
export function countClasses(rows: readonly Row[], target: string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(String(r[target]), (counts.get(String(r[target])) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
