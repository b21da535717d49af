/**
 * The data-shaping params of the ML DAGs (ingest's `derive` and `filter`), checked at trigger
 * time: every expression is parsed and checked against the allow-list of ml/frame/expression.ts,
 * so a bad or unsafe expression fails the trigger with its path (`derive.delayed`, `filter.1`)
 * and what is wrong, not a task later. Columns are checked when the data is read.
 *
 *   derive: { delayed: 'd.delay > 15', hour: 'op.utchours(d.date)' }   new columns, in order
 *   filter: 'd.distance > 0'  or  ['d.delay != null', "d.origin != 'XXX'"]   all must hold
 */
import { z } from 'zod';
import { ExpressionError, parseRowExpression } from '../../ml/frame/expression';

function checkExpression(source: string, where: string, ctx: z.RefinementCtx, path: (string | number)[]): void {
  try {
    parseRowExpression(source, where);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.detail, path });
  }
}

const COLUMN_NAME = z.string().min(1).max(200);

export const deriveParam = z
  .record(COLUMN_NAME, z.string())
  .superRefine((spec, ctx) => {
    for (const [name, source] of Object.entries(spec)) checkExpression(source, `derive.${name}`, ctx, [name]);
  })
  .describe("New columns: name → arquero row expression (d.<column>, op.<function>), e.g. {delayed: 'd.delay > 15'}; applied in order");

export const filterParam = z
  .union([z.string(), z.array(z.string()).min(1)])
  .superRefine((spec, ctx) => {
    if (typeof spec === 'string') checkExpression(spec, 'filter', ctx, []);
    else spec.forEach((source, i) => checkExpression(source, `filter[${i}]`, ctx, [i]));
  })
  .describe('Row predicates (arquero expressions giving true/false), all of which must hold; applied after derive');

export const shapingParams = {
  derive: deriveParam.optional(),
  filter: filterParam.optional(),
};
