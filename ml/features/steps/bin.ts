/**
 * bin: sklearn's KBinsDiscretizer. Edges come from the training rows — equal width ('uniform',
 * numpy linspace) or equal count ('quantile', numpy percentile with linear interpolation, every
 * row used: no subsampling) — and quantile bins narrower than 1e-8 are merged, so a column may
 * get fewer bins than asked. A constant column gets one bin (always 0). Bin of x = the number of
 * inner edges ≤ x (searchsorted 'right'), so values beyond the training range land in the end bins.
 * Missing values are ignored when fitting and stay missing (sklearn refuses them).
 */
import { z } from 'zod';
import { type StepContext, type WorkingSet, numberColumn, presentValues, requireFinite, stepError } from '../columns';
import type { StepOf } from '../spec';

export const binParamsSchema = z.object({
  op: z.literal('bin'),
  encode: z.enum(['ordinal', 'onehot']),
  /** All edges, first = training min, last = training max; edges.length - 1 bins. */
  columns: z.array(z.object({ column: z.string(), edges: z.array(z.number().finite()).min(2) })),
});
export type BinParams = z.infer<typeof binParamsSchema>;

export const binName = (column: string, bin: number): string => `${column}=bin${bin}`;

/** numpy.linspace(start, stop, num): i·step + start, the last point exactly `stop`. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** numpy.percentile(sorted, q) with method 'linear' (q in percent), including numpy's lerp. */
export function percentileOfSorted(s: Float64Array, q: number): number {
  const n = s.length;
  const virtual = (n - 1) * (q / 100);
  if (virtual >= n - 1) return s[n - 1] as number;
  if (virtual <= 0) return s[0] as number;
  const lo = Math.floor(virtual);
  const t = virtual - lo;
  const a = s[lo] as number;
  const b = s[lo + 1] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

export function fitBin(step: StepOf<'bin'>, work: WorkingSet, ctx: StepContext): BinParams {
  const columns = step.columns.map((column) => {
    const values = work.numeric(column).values;
    const x = presentValues(values);
    if (x.length === 0) throw stepError(ctx, `column '${column}' has no value in the ${ctx.rows} training rows`);
    x.sort();
    const min = x[0] as number;
    const max = x[x.length - 1] as number;
    let edges: number[];
    if (min === max) edges = [min, max];
    else if (step.strategy === 'uniform') edges = linspace(min, max, step.nBins + 1);
    else {
      const all = linspace(0, 100, step.nBins + 1).map((q) => percentileOfSorted(x, q));
      // Drop edges closer than 1e-8 to the previous one (sklearn: "bins whose width are too small").
      edges = all.filter((e, i) => i === 0 || e - (all[i - 1] as number) > 1e-8);
    }
    requireFinite(ctx, column, values, edges);
    return { column, edges };
  });
  return { op: 'bin', encode: step.encode, columns };
}

/** Number of entries of sorted `inner` that are ≤ v. */
function countAtOrBelow(inner: Float64Array, v: number): number {
  let lo = 0;
  let hi = inner.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((inner[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function applyBin(p: BinParams, work: WorkingSet): void {
  for (const { column, edges } of p.columns) {
    const src = work.numeric(column).values;
    const inner = Float64Array.from(edges.slice(1, -1));
    const nBins = edges.length - 1;
    const n = src.length;
    if (p.encode === 'ordinal') {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = src[i] as number;
        out[i] = Number.isNaN(v) ? NaN : countAtOrBelow(inner, v);
      }
      work.replace(column, [numberColumn(column, out)]);
      continue;
    }
    const outs = Array.from({ length: nBins }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const v = src[i] as number;
      if (Number.isNaN(v)) for (const o of outs) o[i] = NaN;
      else (outs[countAtOrBelow(inner, v)] as Float64Array)[i] = 1;
    }
    work.replace(
      column,
      outs.map((o, b) => numberColumn(binName(column, b), o, column)),
    );
  }
}
