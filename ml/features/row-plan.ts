/**
 * The one-row transform: a fitted pipeline compiled, once per pipeline, into per-feature chains of
 * scalar operations, so that scoring one row (a prediction server's usual request) does not build a
 * working set, a column array per step and a matrix through the general column machinery. In the
 * server's profile that machinery was the largest share of Tideflow's own CPU per single-row request,
 * and most of its warm-up: its functions are large once inlined, and the JIT compiled them twice.
 *
 * Same semantics as transformFeatures, by construction rather than by re-deriving them: the plan
 * is built by running the pipeline's steps on symbolic columns with the same ColumnList operations,
 * each step's value function is the one its apply function uses, and anything the plan does not
 * cover answers `undefined`, sending the caller to the general path. That covers every error: a
 * step whose parameters do not fit the columns gets no plan, and a row that would fail (a value
 * still missing or infinite at the end, a log of a value outside its domain) is handed back too,
 * so the general path reports it with its own message. Steps covered: impute, standardize, minmax,
 * log, date_parts, categorical, drop; a pipeline with any other step (onehot, bin, interact)
 * always takes the general path. tests/ml/feature-row-plan.test.ts compares both paths.
 */
import type { Frame } from '../frame/frame';
import type { Matrix } from '../frame/matrix';
import { ColumnList } from './column-list';
import type { FeatureMatrix } from './fit';
import type { FittedFeaturePipeline } from './fitted';
import { datePartName } from './plan';
import { codeOf, codesOf } from './steps/categorical';
import { calendarParts, offsetFinder } from './steps/date-parts';
import { imputedNumber, imputedString } from './steps/impute';
import { logOf, minmaxOf, standardizeOf } from './steps/scale';

type Cell = number | string | null;

/** One scalar step on a feature's value; `bail` means: leave this row to the general path. */
type Op = (v: Cell) => Cell;

interface SymColumn {
  name: string;
  /** Strings (null = missing) or numbers (NaN = missing); a string column may not reach the matrix. */
  strings: boolean;
  categorical: boolean;
  /** Index of the pipeline input the value comes from. */
  input: number;
  ops: Op[];
}

export interface RowPlan {
  inputs: readonly { name: string; type: string }[];
  columns: readonly { input: number; ops: readonly Op[]; categorical: boolean }[];
  categorical: readonly boolean[] | undefined;
  featureNames: readonly string[];
}

/** Thrown by an op for a row the plan leaves to the general path. */
const BAIL = Symbol('bail');

const num = (v: Cell): number => v as number;

function get(list: ColumnList<SymColumn>, name: string): SymColumn | undefined {
  return list.columns.find((c) => c.name === name);
}

const mapped = (c: SymColumn, op: Op, strings = c.strings, categorical = false): SymColumn => ({
  name: c.name,
  strings,
  categorical,
  input: c.input,
  ops: [...c.ops, op],
});

/** The plan of `fitted`, or undefined when a step is not covered or its parameters do not fit (the general path then reports it). */
export function buildRowPlan(fitted: FittedFeaturePipeline): RowPlan | undefined {
  const names = new Set(fitted.inputs.map((c) => c.name));
  if (names.size !== fitted.inputs.length) return undefined;
  const list = new ColumnList<SymColumn>(
    fitted.inputs.map((c, input) => ({ name: c.name, strings: c.type === 'string', categorical: false, input, ops: [] })),
  );
  for (const p of fitted.steps) {
    switch (p.op) {
      case 'impute':
        for (const { column, value } of p.fills) {
          const c = get(list, column);
          if (!c) return undefined;
          // applyImpute's own rules (steps/impute.ts); a fill of the other type is its error, left to it.
          let op: Op;
          if (c.strings && typeof value === 'string') op = (v) => imputedString(v as string | null, value);
          else if (!c.strings && typeof value === 'number') op = (v) => imputedNumber(num(v), value);
          else return undefined;
          list.replace(column, [mapped(c, op)]);
        }
        break;
      case 'standardize':
      case 'minmax':
      case 'log': {
        // The steps' own value maps (steps/scale.ts), looked up once per step.
        const mapOf = p.op === 'standardize' ? standardizeOf(p) : p.op === 'minmax' ? minmaxOf(p) : () => logOf(p.offset);
        for (const spec of p.columns) {
          const column = typeof spec === 'string' ? spec : spec.column;
          const c = get(list, column);
          if (!c || c.strings) return undefined;
          const f = mapOf(column);
          // checkLogDomain refuses v + offset ≤ 0 with an error naming the row: left to the general path.
          const domain = p.op === 'log' ? p.offset : undefined;
          const op: Op =
            domain === undefined
              ? (v) => f(num(v))
              : (v) => {
                  if (num(v) + domain <= 0) throw BAIL;
                  return f(num(v));
                };
          list.replace(column, [mapped(c, op)]);
        }
        break;
      }
      case 'date_parts': {
        const offsetAt = offsetFinder(p.timezone);
        for (const column of p.columns) {
          const c = get(list, column);
          if (!c || c.strings) return undefined;
          const derived = p.parts.map((part) =>
            mapped({ ...c, name: datePartName(column, part) }, (v) => {
              const t = num(v);
              return Number.isFinite(t) ? calendarParts(t + offsetAt(t))[part] : NaN;
            }),
          );
          list.replace(column, p.keep ? [c, ...derived] : derived);
        }
        break;
      }
      case 'categorical':
        for (const spec of p.columns) {
          const c = get(list, spec.column);
          if (!c || c.strings !== (spec.type === 'string')) return undefined;
          // applyCategorical's own rule (steps/categorical.ts), for string and numeric cells alike.
          const code = codesOf(spec);
          list.replace(spec.column, [mapped(c, (v) => codeOf(code, v), false, true)]);
        }
        break;
      case 'drop':
        for (const name of p.columns) list.drop(name);
        break;
      default:
        return undefined;
    }
  }
  const cols = list.columns;
  if (cols.some((c) => c.strings)) return undefined;
  const featureNames = cols.map((c) => c.name);
  if (featureNames.length !== fitted.featureNames.length || featureNames.some((n, i) => n !== fitted.featureNames[i])) return undefined;
  return {
    inputs: fitted.inputs,
    columns: cols.map((c) => ({ input: c.input, ops: c.ops, categorical: c.categorical })),
    categorical: cols.some((c) => c.categorical) ? cols.map((c) => c.categorical) : undefined,
    featureNames,
  };
}

/**
 * The model matrix of a one-row frame through `plan` (what transformFeatures makes of it), or
 * undefined when the frame is not the pipeline's typed inputs in order, or the row would fail.
 */
export function transformRow(plan: RowPlan, frame: Frame): FeatureMatrix | undefined {
  if (frame.rows !== 1 || frame.columns.length !== plan.inputs.length) return undefined;
  const row: Cell[] = new Array<Cell>(plan.inputs.length);
  for (let i = 0; i < plan.inputs.length; i++) {
    const col = frame.columns[i];
    const want = plan.inputs[i] as { name: string; type: string };
    if (col === undefined || col.name !== want.name || col.type !== want.type) return undefined;
    row[i] = col.type === 'string' ? (col.values[0] ?? null) : (col.values[0] as number);
  }
  const n = plan.columns.length;
  const data = new Float64Array(n);
  try {
    for (let j = 0; j < n; j++) {
      const c = plan.columns[j] as RowPlan['columns'][number];
      let v = row[c.input] as Cell;
      for (const op of c.ops) v = op(v);
      const x = v as number;
      // checkFinalColumns: a plain feature still missing or infinite is an error (the general path's message).
      if (!c.categorical && x - x !== 0) return undefined;
      data[j] = x;
    }
  } catch {
    // BAIL, or an op that throws (Intl on an instant out of range): the general path runs the steps
    // in their order, so the error it reports is the first step's, as it always was.
    return undefined;
  }
  const matrix: Matrix = { data, rows: 1, cols: n };
  if (plan.categorical) matrix.categorical = plan.categorical;
  return { matrix, featureNames: plan.featureNames.slice() };
}
