/**
 * categorical: ordinal category codes that gradient boosting splits on natively (no one-hot), as
 * sklearn's OrdinalEncoder feeding HistGradientBoosting's `categorical_features`. Learned on the
 * training rows: the `maxCategories` (≤ 255, sklearn's limit) most frequent values are kept (ties
 * by sorted order), then numbered 0..k−1 in sorted order (strings by code unit, numbers
 * numerically) — with ≤ 255 categories exactly OrdinalEncoder's codes. Output: the codes as
 * floats, flagged categorical in the Matrix; a missing value, an infrequent category (beyond
 * maxCategories) and a value never seen in training become NaN, which the model treats as
 * missing (its own learned side). Linear models refuse such columns (they need onehot).
 */
import { z } from 'zod';
import type { ColumnType } from '../../frame/frame';
import { type StepContext, type WorkingSet, stepError } from '../columns';
import type { StepOf } from '../spec';

/** sklearn HistGradientBoosting's cardinality limit for a categorical feature. */
export const MAX_CATEGORY_CODES = 255;

export const categoricalParamsSchema = z.object({
  op: z.literal('categorical'),
  columns: z.array(
    z.object({
      column: z.string(),
      type: z.enum(['number', 'boolean', 'timestamp', 'string']),
      /** Category of code k at index k (sorted); at most 255. */
      categories: z.array(z.union([z.string(), z.number().finite()])).max(MAX_CATEGORY_CODES),
      /** Distinct training values left out as infrequent (coded as missing). */
      infrequent: z.number().int().min(0),
    }),
  ),
});
export type CategoricalParams = z.infer<typeof categoricalParamsSchema>;
type Category = string | number;

function valuesOf(work: WorkingSet, column: string): { type: ColumnType; at: (i: number) => Category | null } {
  const col = work.get(column);
  if (col.type === 'string') return { type: col.type, at: (i) => col.values[i] ?? null };
  return { type: col.type, at: (i) => (Number.isNaN(col.values[i] as number) ? null : (col.values[i] as number)) };
}

const byValue = (a: Category, b: Category): number => (a < b ? -1 : a > b ? 1 : 0);

export function fitCategorical(step: StepOf<'categorical'>, work: WorkingSet, ctx: StepContext): CategoricalParams {
  const columns = step.columns.map((column) => {
    const { type, at } = valuesOf(work, column);
    const counts = new Map<Category, number>();
    for (let i = 0; i < work.rows; i++) {
      const v = at(i);
      if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (counts.size === 0) throw stepError(ctx, `column '${column}' has no value in the ${work.rows} training rows`);
    const sorted = [...counts.keys()].sort(byValue);
    // Most frequent first; Array.sort is stable, so equal counts keep the sorted order.
    const kept = [...sorted].sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number)).slice(0, step.maxCategories);
    const keep = new Set(kept);
    return { column, type, categories: sorted.filter((c) => keep.has(c)), infrequent: sorted.length - kept.length };
  });
  return { op: 'categorical', columns };
}

type ColumnParams = CategoricalParams['columns'][number];
/** Value → code per fitted column, built once per params object (a loaded model scores many times). */
const codeMaps = new WeakMap<ColumnParams, Map<Category, number>>();

export function codesOf(spec: ColumnParams): Map<Category, number> {
  let code = codeMaps.get(spec);
  if (!code) {
    code = new Map<Category, number>();
    for (const [k, c] of spec.categories.entries()) code.set(c, k);
    codeMaps.set(spec, code);
  }
  return code;
}

export function applyCategorical(p: CategoricalParams, work: WorkingSet, ctx: StepContext): void {
  for (const spec of p.columns) {
    const { type, at } = valuesOf(work, spec.column);
    if ((type === 'string') !== (spec.type === 'string'))
      throw stepError(ctx, `column '${spec.column}' is a ${type} column here but was a ${spec.type} column when fitted`);
    const code = codesOf(spec);
    const out = new Float64Array(work.rows);
    for (let i = 0; i < work.rows; i++) {
      const v = at(i);
      out[i] = v === null ? NaN : (code.get(v) ?? NaN);
    }
    work.replace(spec.column, [{ name: spec.column, type: 'number', values: out, categorical: true }]);
  }
}
