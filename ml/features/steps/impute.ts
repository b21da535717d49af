/**
 * impute: fill missing cells with a value learned from the training rows, as sklearn's
 * SimpleImputer: mean, median (middle two averaged), most_frequent (ties → the smallest value),
 * or a constant (default 0 for numbers, 'missing_value' for strings). A column with no value
 * at all in the training rows is an error here (sklearn silently drops it).
 */
import { z } from 'zod';
import { type StepContext, type WorkingSet, presentValues, requireFinite, stepError } from '../columns';
import type { StepOf } from '../spec';

export const imputeParamsSchema = z.object({
  op: z.literal('impute'),
  fills: z.array(z.object({ column: z.string(), value: z.union([z.number().finite(), z.string()]) })),
});
export type ImputeParams = z.infer<typeof imputeParamsSchema>;

/** Most frequent value of sorted numbers; ties → the smallest (scipy.stats.mode). */
function modeOfSorted(s: Float64Array): number {
  let best = s[0] as number;
  let bestCount = 0;
  for (let i = 0; i < s.length;) {
    let j = i + 1;
    while (j < s.length && s[j] === s[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = s[i] as number;
    }
    i = j;
  }
  return best;
}

function modeOfStrings(values: readonly (string | null)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== undefined && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** The k-th smallest of `a` (0-based), reordering `a` in place: Hoare quickselect, O(n) on average. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median-of-three pivot keeps sorted or constant runs from going quadratic.
    const mid = (lo + hi) >> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Median as numpy computes it (the two middle values averaged), without a full sort. Reorders `a`. */
export function medianInPlace(a: Float64Array): number {
  const n = a.length;
  const mid = n >> 1;
  const upper = select(a, mid);
  if (n % 2 === 1) return upper;
  // After selecting `mid`, everything left of it is ≤ it: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if ((a[i] as number) > lower) lower = a[i] as number;
  return (lower + upper) / 2;
}

export function fitImpute(step: StepOf<'impute'>, work: WorkingSet, ctx: StepContext): ImputeParams {
  const fills = step.columns.map((column) => {
    const col = work.get(column);
    if (col.type === 'string') {
      if (step.strategy === 'constant') return { column, value: step.fillValue ?? 'missing_value' };
      const mode = modeOfStrings(col.values);
      if (mode === undefined)
        throw stepError(ctx, `column '${column}' has no value in the ${ctx.rows} training rows: use strategy 'constant' or drop it`);
      return { column, value: mode };
    }
    if (step.strategy === 'constant') return { column, value: step.fillValue ?? 0 };
    const present = presentValues(col.values);
    if (present.length === 0)
      throw stepError(
        ctx,
        `column '${column}' has no value in the ${ctx.rows} training rows: cannot compute its ${step.strategy}; use strategy 'constant' or drop it`,
      );
    let value: number;
    if (step.strategy === 'mean') {
      let sum = 0;
      for (let i = 0; i < present.length; i++) sum += present[i] as number;
      value = sum / present.length;
    } else if (step.strategy === 'median') value = medianInPlace(present);
    else value = modeOfSorted(present.sort());
    requireFinite(ctx, column, col.values, [value]);
    return { column, value };
  });
  return { op: 'impute', fills };
}

/** A string cell filled: missing is null. applyImpute's rule; shared with the one-row plan (../row-plan.ts). */
export const imputedString = (v: string | null, value: string): string => v ?? value;

/** A numeric cell filled: missing is NaN. applyImpute's rule; shared with the one-row plan (../row-plan.ts). */
export const imputedNumber = (v: number, value: number): number => (Number.isNaN(v) ? value : v);

export function applyImpute(params: ImputeParams, work: WorkingSet, ctx: StepContext): void {
  for (const { column, value } of params.fills) {
    const col = work.get(column);
    if (col.type === 'string') {
      if (typeof value !== 'string') throw stepError(ctx, `fill value ${value} for string column '${column}' is not a string`);
      work.replace(column, [{ name: column, type: 'string', values: col.values.map((v) => imputedString(v, value)) }]);
      continue;
    }
    if (typeof value !== 'number')
      throw stepError(ctx, `fill value ${JSON.stringify(value)} for numeric column '${column}' is not a number`);
    const src = col.values;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = imputedNumber(src[i] as number, value);
    // A fractional fill (mean, two-value median) turns a 0/1 column into a plain number.
    const type = col.type === 'boolean' && value !== 0 && value !== 1 ? 'number' : col.type;
    work.replace(column, [{ name: column, type, values: out }]);
  }
}
