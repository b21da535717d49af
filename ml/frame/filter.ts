/**
 * `filter`: keep the rows where every predicate (./expression.ts) is true. A predicate must give
 * true or false; a missing result (a missing input, see ./expression.ts) drops the row, as SQL's
 * WHERE does. Predicates apply in order, each to the rows the previous ones kept, and the rows each
 * one removed are counted for the ingest output.
 */
import { evaluateRowExpression } from './derive';
import { ExpressionError, parseRowExpression, type RowExpression } from './expression';
import { takeRows, type Frame } from './frame';

/** One predicate or several (all must hold), as the params give them. */
export type FilterSpec = string | readonly string[];

export const filterSources = (spec: FilterSpec): readonly string[] => (typeof spec === 'string' ? [spec] : spec);

const whereOf = (spec: FilterSpec, i: number): string => (typeof spec === 'string' ? 'filter' : `filter[${i}]`);

export function parseFilter(spec: FilterSpec): RowExpression[] {
  return filterSources(spec).map((source, i) => parseRowExpression(source, whereOf(spec, i)));
}

export interface FilterResult {
  frame: Frame;
  /** Rows each predicate removed, in order. */
  removed: { expression: string; rows: number }[];
}

export function applyFilter(frame: Frame, predicates: readonly RowExpression[]): FilterResult {
  let out = frame;
  const removed: FilterResult['removed'] = [];
  predicates.forEach((p, n) => {
    const where = predicates.length === 1 ? 'filter' : `filter[${n}]`;
    const values = evaluateRowExpression(out, p, where);
    const keep: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === true) keep.push(i);
      else if (v !== false && v !== null && v !== undefined)
        throw new ExpressionError(
          where,
          `expression '${p.source}' gave ${typeof v === 'string' ? `'${v}'` : String(v)} at row ${i}: a filter must give true or false (compare, e.g. d.x > 0)`,
        );
    }
    removed.push({ expression: p.source, rows: out.rows - keep.length });
    if (keep.length !== out.rows) out = takeRows(out, keep);
  });
  return { frame: out, removed };
}
