/**
 * `derive`: new columns from row expressions (./expression.ts), evaluated with arquero on the
 * columns each expression reads, in the order declared, so a later expression can read an earlier
 * one's column. A name that exists is replaced. The result is typed as ingest types a source
 * column: all booleans → boolean, numbers → number, dates → timestamp, otherwise string; a missing
 * result (null, NaN, an invalid date) is a missing cell. Objects and arrays (op.split, op.keys…)
 * are refused: a column holds scalars.
 */
import * as aq from 'arquero';
import { toArquero } from './arquero';
import { ExpressionError, arqueroText, parseRowExpression, type RowExpression } from './expression';
import { columnFromValues, getColumn, isMissingAt, selectColumns, type Frame, type FrameColumn } from './frame';

export interface DeriveStep {
  name: string;
  expression: RowExpression;
}

/** A derive spec as the params give it: column name → expression, in declaration order. */
export type DeriveSpec = Record<string, string>;

/** Parse every expression of a spec once; errors name the column and quote the expression. */
export function parseDerive(spec: DeriveSpec): DeriveStep[] {
  return Object.entries(spec).map(([name, source]) => {
    if (name.trim() === '') throw new ExpressionError('derive', `a column name is empty (expression '${source}')`);
    return { name, expression: parseRowExpression(source, `derive.${name}`) };
  });
}

const RESULT = '\u0001result';

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`;
}

/**
 * The expression's value on every row (JS values as arquero gives them: number, boolean, string,
 * Date, null), with missing propagated as the module comment of ./expression.ts says. `where`
 * prefixes errors. The text is parsed and checked here again, so nothing unchecked reaches arquero.
 */
export function evaluateRowExpression(frame: Frame, given: RowExpression, where: string): unknown[] {
  // Checked again from its text, whoever built `given`: only an expression that passed runs.
  const expr = parseRowExpression(given.source, where);
  const fail: (why: string) => never = (why) => {
    throw new ExpressionError(where, `expression '${expr.source}': ${why}`);
  };
  const read: FrameColumn[] = [];
  for (const name of expr.columns) {
    try {
      read.push(getColumn(frame, name));
    } catch (err) {
      fail((err as Error).message);
    }
  }
  // An expression that reads no column still needs the row count: one placeholder column.
  const table =
    read.length > 0 ? toArquero(selectColumns(frame, expr.columns)) : aq.table({ [`${RESULT}.rows`]: new Uint8Array(frame.rows) });
  let values: unknown[];
  try {
    values = Array.from(table.derive({ [RESULT]: arqueroText(expr.source) }).array(RESULT) as ArrayLike<unknown>);
  } catch (err) {
    return fail(`failed: ${(err as Error).message}`);
  }
  if (!expr.handlesMissing && read.length > 0) {
    for (let i = 0; i < frame.rows; i++) if (read.some((c) => isMissingAt(c, i))) values[i] = null;
  }
  return values;
}

/** A frame with each step's column added (or replaced), in order. */
export function applyDerive(frame: Frame, steps: readonly DeriveStep[]): Frame {
  let out = frame;
  for (const step of steps) {
    const where = `derive.${step.name}`;
    const values = evaluateRowExpression(out, step.expression, where);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) values[i] = null;
      else if (v !== null && typeof v === 'object' && !(v instanceof Date))
        throw new ExpressionError(
          where,
          `expression '${step.expression.source}' gave ${kindOf(v)} at row ${i}: a column holds numbers, booleans, strings or dates`,
        );
    }
    const column = columnFromValues(step.name, values);
    const at = out.columns.findIndex((c) => c.name === step.name);
    const columns = at < 0 ? [...out.columns, column] : out.columns.map((c, j) => (j === at ? column : c));
    out = { rows: out.rows, columns };
  }
  return out;
}
