/**
 * onehot: sklearn's OneHotEncoder. Categories are the training values, sorted (strings by code
 * unit, numbers numerically), a missing value last as its own category '(missing)' unless the
 * step says missing: 'error'. minFrequency / maxCategories gather rare categories into one
 * '<column>=(infrequent)' output, placed last, by sklearn's rule (stable sort of counts).
 * Unknown values at transform: all zeros ('ignore'), the infrequent output when there is one
 * ('infrequent_if_exist'), or an error naming the column, the value and the row ('error').
 *
 * The output is one encoded working column holding the active output per row (−1: none), which
 * becomes a one-hot block of the matrix: 4 bytes per row whatever the number of categories.
 */
import { z } from 'zod';
import type { ColumnType } from '../../frame/frame';
import { type StepContext, type WorkingSet, stepError } from '../columns';
import { FeaturePipelineError, type StepOf } from '../spec';

/** More output columns than this from one input column is almost surely an id column. */
export const MAX_ONEHOT_CATEGORIES = 1000;

const category = z.union([z.string(), z.number().finite(), z.null()]);
export const onehotParamsSchema = z.object({
  op: z.literal('onehot'),
  handleUnknown: z.enum(['ignore', 'error', 'infrequent_if_exist']),
  missing: z.enum(['category', 'error']),
  columns: z.array(
    z.object({
      column: z.string(),
      type: z.enum(['number', 'boolean', 'timestamp', 'string']),
      /** Frequent categories in output order; null = missing. */
      categories: z.array(category),
      /** Categories gathered into the '(infrequent)' output (empty: no such output). */
      infrequent: z.array(category),
    }),
  ),
});
export type OnehotParams = z.infer<typeof onehotParamsSchema>;
type Category = string | number | null;

export const MISSING_LABEL = '(missing)';
export const INFREQUENT_LABEL = '(infrequent)';

function label(type: ColumnType, c: Category): string {
  if (c === null) return MISSING_LABEL;
  if (type === 'boolean') return c === 1 ? 'true' : 'false';
  if (type === 'timestamp' && typeof c === 'number') return new Date(c).toISOString();
  return String(c);
}

export function onehotNames(p: OnehotParams['columns'][number]): string[] {
  const names = p.categories.map((c) => `${p.column}=${label(p.type, c)}`);
  if (p.infrequent.length) names.push(`${p.column}=${INFREQUENT_LABEL}`);
  return names;
}

/** Distinct values and their counts, sorted; missing (null) last. */
function countCategories(work: WorkingSet, column: string): { type: ColumnType; cats: Category[]; counts: number[] } {
  const col = work.get(column);
  const counts = new Map<Category, number>();
  if (col.type === 'string') {
    for (const v of col.values) counts.set(v, (counts.get(v) ?? 0) + 1);
  } else {
    for (const x of col.values) {
      const v = Number.isNaN(x) ? null : x;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  }
  const cats = [...counts.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return { type: col.type, cats, counts: cats.map((c) => counts.get(c) as number) };
}

/** sklearn's _identify_infrequent: the indices (into cats) of infrequent categories. */
function infrequentIndices(
  counts: number[],
  rows: number,
  minFrequency: number | undefined,
  maxCategories: number | undefined,
): Set<number> {
  const infrequent = new Set<number>();
  if (minFrequency !== undefined) {
    const threshold = minFrequency >= 1 ? minFrequency : rows * minFrequency;
    counts.forEach((c, i) => c < threshold && infrequent.add(i));
  }
  const current = counts.length - infrequent.size + 1;
  if (maxCategories !== undefined && maxCategories < current) {
    // Stable ascending sort by count; all but the (maxCategories - 1) most frequent are infrequent.
    const order = counts.map((_, i) => i).sort((a, b) => (counts[a] as number) - (counts[b] as number) || a - b);
    for (const i of order.slice(0, order.length - (maxCategories - 1))) infrequent.add(i);
  }
  return infrequent;
}

export function fitOnehot(step: StepOf<'onehot'>, work: WorkingSet, ctx: StepContext): OnehotParams {
  const columns = step.columns.map((column) => {
    const { type, cats, counts } = countCategories(work, column);
    if (step.missing === 'error' && cats.at(-1) === null) {
      throw stepError(
        ctx,
        `column '${column}' has ${counts.at(-1)} missing values (missing: 'error'): impute it first or use missing: 'category'`,
      );
    }
    const rare = infrequentIndices(counts, ctx.rows, step.minFrequency, step.maxCategories);
    const categories = cats.filter((_, i) => !rare.has(i));
    const infrequent = cats.filter((_, i) => rare.has(i));
    const outputs = categories.length + (infrequent.length ? 1 : 0);
    if (outputs > MAX_ONEHOT_CATEGORIES) {
      throw stepError(
        ctx,
        `column '${column}' has ${cats.length} categories in the training rows (limit ${MAX_ONEHOT_CATEGORIES} outputs): set maxCategories or minFrequency, or bin it`,
      );
    }
    return { column, type, categories, infrequent };
  });
  return { op: 'onehot', handleUnknown: step.handleUnknown, missing: step.missing, columns };
}

function describe(c: Category): string {
  return c === null ? 'a missing value' : JSON.stringify(c);
}

type ColumnParams = OnehotParams['columns'][number];
/** Value → output slot per fitted column, built once per params object (a loaded model scores many times). */
const slotMaps = new WeakMap<ColumnParams, Map<Category, number>>();

export function slotsOf(spec: ColumnParams): Map<Category, number> {
  let slot = slotMaps.get(spec);
  if (!slot) {
    slot = new Map<Category, number>();
    for (const [i, c] of spec.categories.entries()) slot.set(c, i);
    const infrequentSlot = spec.infrequent.length ? spec.categories.length : -1;
    for (const c of spec.infrequent) slot.set(c, infrequentSlot);
    slotMaps.set(spec, slot);
  }
  return slot;
}

export function applyOnehot(p: OnehotParams, work: WorkingSet, ctx: StepContext): void {
  for (const spec of p.columns) {
    const col = work.get(spec.column);
    if ((col.type === 'string') !== (spec.type === 'string')) {
      throw stepError(ctx, `column '${spec.column}' is a ${col.type} column here but was a ${spec.type} column when fitted`);
    }
    const slot = slotsOf(spec);
    const infrequentSlot = spec.infrequent.length ? spec.categories.length : -1;
    const unknownSlot = p.handleUnknown === 'infrequent_if_exist' ? infrequentSlot : -1;
    const n = work.rows;
    const index = new Int32Array(n);
    const at = (i: number): Category => {
      if (col.type === 'string') return col.values[i] ?? null;
      const v = col.values[i] as number;
      return Number.isNaN(v) ? null : v;
    };
    for (let i = 0; i < n; i++) {
      const v = at(i);
      let s = slot.get(v);
      if (s === undefined) {
        if (v === null && p.missing === 'error')
          throw stepError(ctx, `column '${spec.column}' is missing at row ${i} (missing: 'error'): impute it first`);
        if (p.handleUnknown === 'error') {
          throw stepError(
            ctx,
            `column '${spec.column}' has ${describe(v)} at row ${i}, a category not seen in the training rows (handleUnknown: 'error')`,
          );
        }
        s = unknownSlot;
      }
      index[i] = s;
    }
    work.replace(spec.column, [{ type: 'encoded', name: spec.column, group: spec.column, names: onehotNames(spec), index }]);
  }
}

/** Guard used when a fitted pipeline is read back: outputs must be named as the fit named them. */
export function checkOnehotParams(p: OnehotParams): void {
  for (const c of p.columns) {
    if (c.categories.length + c.infrequent.length === 0)
      throw new FeaturePipelineError(`fitted one-hot column '${c.column}' has no category`);
  }
}
