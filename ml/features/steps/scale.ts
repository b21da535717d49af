/**
 * standardize, minmax and log: per-column numeric maps. Missing cells are ignored when fitting
 * and stay missing (as sklearn's scalers do). The constants match sklearn bit for bit where it
 * matters: StandardScaler's corrected two-pass variance and its "near constant" test, and
 * MinMaxScaler's `x * scale + min` form with ranges under 10·eps treated as 1.
 */
import { z } from 'zod';
import { type StepContext, type WorkingSet, presentValues, requireFinite, stepError } from '../columns';
import type { StepOf } from '../spec';

const EPS = 2.220446049250313e-16;
const finite = z.number().finite();

export const standardizeParamsSchema = z.object({
  op: z.literal('standardize'),
  columns: z.array(z.object({ column: z.string(), mean: finite, scale: finite.positive() })),
});
export const minmaxParamsSchema = z.object({
  op: z.literal('minmax'),
  columns: z.array(z.object({ column: z.string(), dataMin: finite, dataMax: finite, scale: finite, min: finite })),
  range: z.tuple([finite, finite]),
  clip: z.boolean(),
});
export const logParamsSchema = z.object({ op: z.literal('log'), columns: z.array(z.string()), offset: finite });
export type StandardizeParams = z.infer<typeof standardizeParamsSchema>;
export type MinmaxParams = z.infer<typeof minmaxParamsSchema>;
export type LogParams = z.infer<typeof logParamsSchema>;

function nonEmpty(ctx: StepContext, column: string, values: Float64Array): Float64Array {
  const present = presentValues(values);
  if (present.length === 0) throw stepError(ctx, `column '${column}' has no value in the ${ctx.rows} training rows`);
  return present;
}

/** Map each listed column through `f` (NaN stays NaN), replacing it in place as a number column. */
function mapColumns(work: WorkingSet, columns: readonly string[], f: (column: string) => (v: number) => number): void {
  for (const column of columns) {
    const src = work.numeric(column).values;
    const g = f(column);
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = g(src[i] as number);
    work.replace(column, [{ name: column, type: 'number', values: out }]);
  }
}

export function fitStandardize(step: StepOf<'standardize'>, work: WorkingSet, ctx: StepContext): StandardizeParams {
  const columns = step.columns.map((column) => {
    const values = work.numeric(column).values;
    const x = nonEmpty(ctx, column, values);
    const n = x.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i] as number;
    const mean = sum / n;
    // sklearn's _incremental_mean_and_var: two passes plus the Chan–Golub–LeVeque correction.
    let correction = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = (x[i] as number) - mean;
      correction += d;
      sq += d * d;
    }
    const variance = (sq - (correction * correction) / n) / n;
    const constant = variance <= n * EPS * variance + (n * mean * EPS) ** 2;
    const scale = !step.withStd || constant ? 1 : Math.sqrt(variance);
    const center = step.withMean ? mean : 0;
    requireFinite(ctx, column, values, [center, scale]);
    return { column, mean: center, scale };
  });
  return { op: 'standardize', columns };
}

/** Each column's standardize map (the last entry for a column listed twice); shared with the one-row plan (../row-plan.ts). */
export function standardizeOf(p: StandardizeParams): (column: string) => (v: number) => number {
  const byColumn = new Map(p.columns.map((c) => [c.column, c]));
  return (column) => {
    const { mean, scale } = byColumn.get(column) as { mean: number; scale: number };
    return (v) => (v - mean) / scale;
  };
}

export function applyStandardize(p: StandardizeParams, work: WorkingSet): void {
  mapColumns(
    work,
    p.columns.map((c) => c.column),
    standardizeOf(p),
  );
}

export function fitMinmax(step: StepOf<'minmax'>, work: WorkingSet, ctx: StepContext): MinmaxParams {
  const [lo, hi] = step.range;
  const columns = step.columns.map((column) => {
    const values = work.numeric(column).values;
    const x = nonEmpty(ctx, column, values);
    let dataMin = Infinity;
    let dataMax = -Infinity;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      if (v < dataMin) dataMin = v;
      if (v > dataMax) dataMax = v;
    }
    const range = dataMax - dataMin;
    const scale = (hi - lo) / (range < 10 * EPS ? 1 : range);
    const min = lo - dataMin * scale;
    requireFinite(ctx, column, values, [dataMin, dataMax, scale, min]);
    return { column, dataMin, dataMax, scale, min };
  });
  return { op: 'minmax', columns, range: [lo, hi], clip: step.clip };
}

/** Each column's minmax map (the last entry for a column listed twice); shared with the one-row plan (../row-plan.ts). */
export function minmaxOf(p: MinmaxParams): (column: string) => (v: number) => number {
  const [lo, hi] = p.range;
  const byColumn = new Map(p.columns.map((c) => [c.column, c]));
  return (column) => {
    const { scale, min } = byColumn.get(column) as { scale: number; min: number };
    if (!p.clip) return (v) => v * scale + min;
    return (v) => {
      const t = v * scale + min;
      return t < lo ? lo : t > hi ? hi : t;
    };
  };
}

export function applyMinmax(p: MinmaxParams, work: WorkingSet): void {
  mapColumns(
    work,
    p.columns.map((c) => c.column),
    minmaxOf(p),
  );
}

/** Nothing to learn; fitting only checks the training rows are in the domain. */
export function fitLog(step: StepOf<'log'>, work: WorkingSet, ctx: StepContext): LogParams {
  const p: LogParams = { op: 'log', columns: [...step.columns], offset: step.offset };
  checkLogDomain(p, work, ctx);
  return p;
}

function checkLogDomain(p: LogParams, work: WorkingSet, ctx: StepContext): void {
  for (const column of p.columns) {
    const values = work.numeric(column).values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v + p.offset <= 0) {
        throw stepError(
          ctx,
          `column '${column}' has ${v} at row ${i}; log needs value + offset (${p.offset}) > 0: raise the offset or clean the data`,
        );
      }
    }
  }
}

/** ln(x + offset); with the default offset 1 it is computed as log1p(x), exact for small x. */
export function applyLog(p: LogParams, work: WorkingSet, ctx: StepContext): void {
  checkLogDomain(p, work, ctx);
  mapColumns(work, p.columns, () => logOf(p.offset));
}

/** The log step's map; shared with the one-row plan (../row-plan.ts). */
export const logOf = (offset: number): ((v: number) => number) => (offset === 1 ? Math.log1p : (v) => Math.log(v + offset));
