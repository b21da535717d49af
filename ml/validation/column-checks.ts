/**
 * The value checks of one declared column: all missing, type, missing share, ±Infinity, range,
 * domain, uniqueness. Statistics answer most questions without touching the data (a column whose
 * min and max are inside the bounds has nothing out of range); the data is re-read only to count
 * and show examples of what is wrong.
 */
import { numberFromString } from '../io/csv-cells';
import { cellAt, parseIsoTimestamp, type FrameColumn, type NumericColumn } from '../frame/frame';
import type { Anomaly } from './anomaly';
import { count, example, percent, share, valueOf } from './format';
import { boundValue, type ColumnSpec } from './schema';
import type { ColumnStatistics } from './statistics';

const MAX_EXAMPLES = 5;

/** Distinct values in row order, up to MAX_EXAMPLES. */
class Examples<T> {
  readonly values: T[] = [];
  private readonly seen = new Set<T>();
  add(v: T): void {
    if (this.values.length < MAX_EXAMPLES && !this.seen.has(v)) {
      this.seen.add(v);
      this.values.push(v);
    }
  }
}

const TYPE_NOUN = { number: 'numbers', boolean: 'booleans', timestamp: 'timestamps', string: 'text' } as const;

/** Does the trimmed text read as the declared type (the rules the CSV parser uses)? */
function textIs(type: 'number' | 'boolean' | 'timestamp', t: string): boolean {
  const s = t.trim();
  if (type === 'number') return numberFromString(s) !== undefined;
  if (type === 'boolean') return /^(true|false)$/i.test(s);
  return !Number.isNaN(parseIsoTimestamp(s));
}

/** A number column standing for a declared boolean: only 0 and 1. */
const isZeroOne = (col: NumericColumn): boolean => col.values.every((v) => v !== v || v === 0 || v === 1);

/** The type-mismatch anomaly, or null when the column can be read as declared. */
function typeMismatch(col: FrameColumn, spec: ColumnSpec): Anomaly | null {
  const declared = spec.type;
  if (col.type === declared || declared === 'string') return null;
  if (declared === 'boolean' && col.type === 'number' && isZeroOne(col)) return null;
  const name = col.name;
  if (col.type === 'string') {
    const bad = new Examples<string>();
    let badCount = 0;
    let present = 0;
    for (const v of col.values) {
      if (v === null) continue;
      present++;
      if (!textIs(declared, v)) {
        badCount++;
        bad.add(v);
      }
    }
    const message =
      badCount > 0
        ? `column '${name}' is declared ${declared} but holds text: ${share(badCount, present)} values are not ${TYPE_NOUN[declared]}, e.g. ${bad.values.map(example).join(', ')}`
        : `column '${name}' is declared ${declared} but holds text: all ${count(present)} values read as ${TYPE_NOUN[declared]}, yet the source stores them as strings (quoted JSON values?)`;
    return {
      column: name,
      kind: 'type_mismatch',
      severity: 'error',
      message,
      details: { declaredType: declared, actualType: col.type, invalid: badCount, present, examples: bad.values },
    };
  }
  const shown = new Examples<number | string | boolean>();
  for (let i = 0; i < col.values.length && shown.values.length < 3; i++) {
    const v = cellAt(col, i);
    if (v !== null) shown.add(v);
  }
  return {
    column: name,
    kind: 'type_mismatch',
    severity: 'error',
    message: `column '${name}' is declared ${declared} but holds ${TYPE_NOUN[col.type]}${shown.values.length > 0 ? `, e.g. ${shown.values.map(example).join(', ')}` : ''}`,
    details: { declaredType: declared, actualType: col.type, examples: shown.values },
  };
}

function missingAnomaly(name: string, spec: ColumnSpec, st: ColumnStatistics, rows: number): Anomaly | null {
  const details = { missing: st.missing, rows, missingFraction: st.missingFraction };
  if (!spec.nullable && st.missing > 0) {
    return {
      column: name,
      kind: 'missing_values',
      severity: 'error',
      message: `column '${name}' is not nullable, but ${share(st.missing, rows)} values are missing`,
      details: { ...details, maxMissingFraction: 0 },
    };
  }
  if (spec.maxMissingFraction !== undefined && st.missingFraction > spec.maxMissingFraction) {
    return {
      column: name,
      kind: 'missing_values',
      severity: 'error',
      message: `column '${name}' has ${share(st.missing, rows)} values missing, over its limit of ${percent(spec.maxMissingFraction)}`,
      details: { ...details, maxMissingFraction: spec.maxMissingFraction },
    };
  }
  return null;
}

function nonFiniteAnomaly(col: NumericColumn, st: ColumnStatistics): Anomaly | null {
  if (st.type !== 'number' || st.nonFinite === 0) return null;
  return {
    column: col.name,
    kind: 'non_finite',
    severity: 'error',
    message: `column '${col.name}' has ${share(st.nonFinite, st.count)} infinite values (+Infinity ${count(st.positiveInfinity)}, -Infinity ${count(st.negativeInfinity)})`,
    details: { nonFinite: st.nonFinite, positiveInfinity: st.positiveInfinity, negativeInfinity: st.negativeInfinity, present: st.count },
  };
}

function rangeAnomaly(col: NumericColumn, spec: ColumnSpec, st: ColumnStatistics): Anomaly | null {
  if (
    (spec.min === undefined && spec.max === undefined) ||
    (st.type !== 'number' && st.type !== 'timestamp') ||
    st.min === null ||
    st.max === null
  )
    return null;
  const lo = spec.min === undefined ? -Infinity : boundValue(col.type, spec.min);
  const hi = spec.max === undefined ? Infinity : boundValue(col.type, spec.max);
  if (st.min >= lo && st.max <= hi) return null;
  const shown = new Examples<number>();
  let out = 0;
  for (const v of col.values) {
    // Finite values only: NaN is missing, ±Infinity is a non_finite anomaly of its own.
    if (Number.isFinite(v) && (v < lo || v > hi)) {
      out++;
      shown.add(v);
    }
  }
  const fmt = (v: number): string => valueOf(col.type, v);
  const range =
    spec.min !== undefined && spec.max !== undefined
      ? `outside [${fmt(lo)}, ${fmt(hi)}]`
      : spec.min !== undefined
        ? `below the minimum ${fmt(lo)}`
        : `above the maximum ${fmt(hi)}`;
  return {
    column: col.name,
    kind: 'out_of_range',
    severity: 'error',
    message: `column '${col.name}' has ${share(out, st.finite)} values ${range} (observed min ${fmt(st.min)}, max ${fmt(st.max)}), e.g. ${shown.values.map(fmt).join(', ')}`,
    details: {
      outOfRange: out,
      present: st.finite,
      min: spec.min ?? null,
      max: spec.max ?? null,
      observedMin: st.min,
      observedMax: st.max,
      examples: shown.values.map(fmt),
    },
  };
}

/** Present values by label (what categories are compared with) and how often each occurs. */
function labelCounts(col: FrameColumn, asBoolean: boolean): Map<string, number> {
  if (col.type === 'string') {
    const m = new Map<string, number>();
    for (const v of col.values) if (v !== null) m.set(v, (m.get(v) ?? 0) + 1);
    return m;
  }
  const byValue = new Map<number, number>();
  for (const v of col.values) if (v === v) byValue.set(v, (byValue.get(v) ?? 0) + 1);
  const m = new Map<string, number>();
  for (const [v, n] of byValue) {
    const label = asBoolean || col.type === 'boolean' ? String(v === 1) : col.type === 'timestamp' ? new Date(v).toISOString() : String(v);
    m.set(label, (m.get(label) ?? 0) + n);
  }
  return m;
}

/** Largest counts first, ties by label. */
const byCount = (entries: [string, number][]): [string, number][] => entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

function domainAnomaly(col: FrameColumn, spec: ColumnSpec, st: ColumnStatistics): Anomaly | null {
  if (!spec.categories || st.count === 0) return null;
  const allowed = new Set(spec.categories.map(String));
  const counts = labelCounts(col, spec.type === 'boolean');
  const outside = byCount([...counts].filter(([label]) => !allowed.has(label)));
  const out = outside.reduce((n, [, c]) => n + c, 0);
  const fraction = out / st.count;
  if (out === 0 || fraction <= spec.maxOutOfDomainFraction) return null;
  const shown = outside.slice(0, MAX_EXAMPLES);
  const label = (v: string): string => (col.type === 'string' ? example(v) : v);
  return {
    column: col.name,
    kind: 'out_of_domain',
    severity: 'error',
    message:
      `column '${col.name}' has ${share(out, st.count)} values outside its ${count(allowed.size)} categories (allowed ${percent(spec.maxOutOfDomainFraction)}): ` +
      `${shown.map(([v, n]) => `${label(v)} (${count(n)}×)`).join(', ')}${outside.length > shown.length ? `, and ${count(outside.length - shown.length)} more` : ''}`,
    details: {
      outOfDomain: out,
      present: st.count,
      fraction,
      maxFraction: spec.maxOutOfDomainFraction,
      distinctOutside: outside.length,
      examples: shown.map(([value, n]) => ({ value, count: n })),
    },
  };
}

function uniqueAnomaly(col: FrameColumn, spec: ColumnSpec, st: ColumnStatistics): Anomaly | null {
  if (!spec.unique || st.unique >= st.count) return null;
  const dup = byCount([...labelCounts(col, false)].filter(([, n]) => n > 1));
  const extra = st.count - st.unique;
  const shown = dup.slice(0, MAX_EXAMPLES);
  const label = (v: string): string => (col.type === 'string' ? example(v) : v);
  return {
    column: col.name,
    kind: 'not_unique',
    severity: 'error',
    message: `column '${col.name}' must be unique, but ${count(dup.length)} ${dup.length === 1 ? 'value occurs' : 'values occur'} more than once (${count(extra)} extra row${extra === 1 ? '' : 's'}), e.g. ${shown.map(([v, n]) => `${label(v)} (${count(n)}×)`).join(', ')}`,
    details: { duplicatedValues: dup.length, extraRows: extra, examples: shown.map(([value, n]) => ({ value, count: n })) },
  };
}

/** Every anomaly of one present, declared column (severity overrides are the caller's). */
export function checkColumn(col: FrameColumn, st: ColumnStatistics, spec: ColumnSpec, rows: number): Anomaly[] {
  if (st.count === 0) {
    // No value, so no evidence of a type (a column of nothing parses as string) and nothing else
    // to check; a missing-share anomaly would only repeat this one. An empty dataset is
    // reported once, as too_few_rows, not once per column.
    if (rows === 0) return [];
    const allowed = spec.maxMissingFraction === 1;
    return [
      {
        column: col.name,
        kind: 'all_missing',
        severity: allowed ? 'warning' : 'error',
        message: `column '${col.name}' has no value: all ${count(rows)} rows are missing (null, blank or a missing-value token)`,
        details: { rows },
      },
    ];
  }
  const found: (Anomaly | null)[] = [];
  const mismatch = typeMismatch(col, spec);
  found.push(mismatch, missingAnomaly(col.name, spec, st, rows));
  if (!mismatch) {
    if (col.type !== 'string') found.push(nonFiniteAnomaly(col, st), rangeAnomaly(col, spec, st));
    found.push(domainAnomaly(col, spec, st), uniqueAnomaly(col, spec, st));
  }
  return found.filter((a): a is Anomaly => a !== null);
}
