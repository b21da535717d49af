/**
 * Each fitted feature step as ONNX nodes (standard domain, float64, so every number is the one
 * Tideflow computes), applied to the symbolic working set in the pipeline's order:
 *   impute       Where(IsNaN(x), fill, x); a string column records its fill for its encoder
 *   standardize  (x − mean) / scale                       Sub, Div
 *   minmax       x·scale + min, clipped with Where         Mul, Add (Less, Greater, Where)
 *   log          ln(x + offset); offset 1 as log1p          Add, Log (Div, Mul, Where for log1p)
 *   bin          number of inner edges ≤ x                 GreaterOrEqual, Cast, ReduceSum (Equal: one-hot)
 *   onehot       value → output slot                       LabelEncoder / Equal+ArgMax, Gather
 *   categorical  value → code (NaN: missing or unknown)    LabelEncoder / Equal+ArgMax, Gather
 *   date_parts   calendar arithmetic on epoch ms (UTC)      see date-parts.ts
 *   interact     a·b                                       Mul
 *   drop         nothing (the column is not used)
 */
import type { FittedStep } from '../features/run';
import type { BinParams } from '../features/steps/bin';
import { binName } from '../features/steps/bin';
import type { CategoricalParams } from '../features/steps/categorical';
import type { ImputeParams } from '../features/steps/impute';
import { onehotNames, type OnehotParams } from '../features/steps/onehot';
import type { LogParams, MinmaxParams, StandardizeParams } from '../features/steps/scale';
import { interactName } from '../features/plan';
import { stepLabel } from '../features/spec';
import { exportDateParts } from './date-parts';
import { DataType, attr, type GraphBuilder } from './graph';
import { keyIndex, lookup, OnnxExportError, type Key, type SymWorkingSet } from './working';

const isNaN_ = (g: GraphBuilder, x: string): string => g.op1('IsNaN', [x]);
const scalar = (g: GraphBuilder, v: number): string => g.doubles([v], [1, 1]);
const toDouble = (g: GraphBuilder, x: string): string => g.op1('Cast', [x], { to: attr.int(DataType.DOUBLE) });

function imputeStep(p: ImputeParams, w: SymWorkingSet, where: string): void {
  const g = w.g;
  for (const { column, value } of p.fills) {
    const col = w.get(column);
    if (col.kind === 'string') {
      if (typeof value !== 'string')
        throw new OnnxExportError(`${where}: fill value ${value} for string column '${column}' is not a string`);
      // Already imputed: '' no longer reaches this step.
      w.replace(column, [{ ...col, missingAs: col.missingAs ?? value }]);
      continue;
    }
    if (typeof value !== 'number')
      throw new OnnxExportError(`${where}: fill value ${JSON.stringify(value)} for numeric column '${column}' is not a number`);
    const out = g.op1('Where', [isNaN_(g, col.value), scalar(g, value), col.value]);
    w.replace(column, [{ kind: 'number', name: column, value: out }]);
  }
}

function standardizeStep(p: StandardizeParams, w: SymWorkingSet): void {
  const g = w.g;
  for (const { column, mean, scale } of p.columns) {
    const out = g.op1('Div', [g.op1('Sub', [w.numeric(column), scalar(g, mean)]), scalar(g, scale)]);
    w.replace(column, [{ kind: 'number', name: column, value: out }]);
  }
}

function minmaxStep(p: MinmaxParams, w: SymWorkingSet): void {
  const g = w.g;
  const [lo, hi] = p.range;
  for (const { column, scale, min } of p.columns) {
    let out = g.op1('Add', [g.op1('Mul', [w.numeric(column), scalar(g, scale)]), scalar(g, min)]);
    if (p.clip) {
      // Where, not Clip: NaN must stay NaN, as in Tideflow (t < lo ? lo : t > hi ? hi : t).
      const loC = scalar(g, lo);
      const hiC = scalar(g, hi);
      out = g.op1('Where', [g.op1('Less', [out, loC]), loC, g.op1('Where', [g.op1('Greater', [out, hiC]), hiC, out])]);
    }
    w.replace(column, [{ kind: 'number', name: column, value: out }]);
  }
}

function logStep(p: LogParams, w: SymWorkingSet): void {
  const g = w.g;
  for (const column of p.columns) {
    const x = w.numeric(column);
    const shifted = g.op1('Add', [x, scalar(g, p.offset)]);
    // Tideflow refuses a value with value + offset ≤ 0: the row is marked invalid.
    w.refuseWhere(g.op1('LessOrEqual', [shifted, scalar(g, 0)]));
    let out: string;
    if (p.offset === 1) {
      // log1p without a Log1p operator: log(u)·x/(u − 1) with u = 1 + x (exact to an ulp; x where u == 1).
      const u = shifted;
      const ratio = g.op1('Div', [g.op1('Mul', [g.op1('Log', [u]), x]), g.op1('Sub', [u, scalar(g, 1)])]);
      out = g.op1('Where', [g.op1('Equal', [u, scalar(g, 1)]), x, ratio]);
    } else out = g.op1('Log', [shifted]);
    w.replace(column, [{ kind: 'number', name: column, value: out }]);
  }
}

function binStep(p: BinParams, w: SymWorkingSet): void {
  const g = w.g;
  for (const { column, edges } of p.columns) {
    const x = w.numeric(column);
    const inner = edges.slice(1, -1);
    const nan = isNaN_(g, x);
    const nanC = scalar(g, NaN);
    const count =
      inner.length === 0
        ? g.op1('Where', [nan, nanC, scalar(g, 0)])
        : g.op1('Where', [
            nan,
            nanC,
            g.op1('ReduceSum', [toDouble(g, g.op1('GreaterOrEqual', [x, g.doubles(inner, [1, inner.length])])), g.int64s([1])], {
              keepdims: attr.int(1),
            }),
          ]);
    if (p.encode === 'ordinal') {
      w.replace(column, [{ kind: 'number', name: column, value: count }]);
      continue;
    }
    const outs = Array.from({ length: edges.length - 1 }, (_, b) => {
      const hit = toDouble(g, g.op1('Equal', [count, scalar(g, b)]));
      return { kind: 'number' as const, name: binName(column, b), value: g.op1('Where', [nan, nanC, hit]), group: column };
    });
    w.replace(column, outs);
  }
}

function onehotStep(p: OnehotParams, w: SymWorkingSet, where: string): void {
  const g = w.g;
  for (const spec of p.columns) {
    const col = w.get(spec.column);
    const keys: Key[] = [...spec.categories, ...spec.infrequent].filter((k) => k !== null);
    const K = keys.length;
    const infrequentSlot = spec.infrequent.length ? spec.categories.length : -1;
    const slotOf = (k: Key): number => {
      const i = spec.categories.indexOf(k);
      return i >= 0 ? i : spec.infrequent.includes(k) ? infrequentSlot : -2;
    };
    const unknownSlot = p.handleUnknown === 'infrequent_if_exist' ? infrequentSlot : -1;
    const missingKnown = slotOf(null) !== -2;
    const slots = [...keys.map(slotOf), unknownSlot, missingKnown ? slotOf(null) : unknownSlot];
    // Rows Tideflow refuses: an unknown value under handleUnknown 'error', a missing one under missing 'error'.
    const refused = [
      ...keys.map(() => 0),
      p.handleUnknown === 'error' ? 1 : 0,
      !missingKnown && (p.missing === 'error' || p.handleUnknown === 'error') ? 1 : 0,
    ];
    const index = keyIndex(g, col, keys, where);
    if (refused.some((r) => r === 1)) w.refuseWhere(g.op1('Cast', [lookup(g, g.int64s(refused), index)], { to: attr.int(DataType.BOOL) }));
    const slot = lookup(g, g.int64s(slots), index);
    w.replace(spec.column, [{ kind: 'encoded', name: spec.column, group: spec.column, names: onehotNames(spec), slot }]);
    if (K === 0 && !missingKnown) throw new OnnxExportError(`${where}: column '${spec.column}' has no category`);
  }
}

function categoricalStep(p: CategoricalParams, w: SymWorkingSet, where: string): void {
  const g = w.g;
  for (const spec of p.columns) {
    const col = w.get(spec.column);
    if ((col.kind === 'string') !== (spec.type === 'string'))
      throw new OnnxExportError(`${where}: column '${spec.column}' was fitted as a ${spec.type} column`);
    const keys = spec.categories;
    const codes = [...keys.map((_, k) => k), NaN, NaN];
    const value = lookup(g, g.doubles(codes), keyIndex(g, col, keys, where));
    w.replace(spec.column, [{ kind: 'number', name: spec.column, value, categorical: true }]);
  }
}

/** Apply fitted step `index` to the symbolic working set. */
export function exportStep(params: FittedStep, index: number, w: SymWorkingSet): void {
  const where = `feature pipeline ${stepLabel(index, params.op)}`;
  const g = w.g;
  switch (params.op) {
    case 'impute':
      return imputeStep(params, w, where);
    case 'standardize':
      return standardizeStep(params, w);
    case 'minmax':
      return minmaxStep(params, w);
    case 'log':
      return logStep(params, w);
    case 'bin':
      return binStep(params, w);
    case 'onehot':
      return onehotStep(params, w, where);
    case 'categorical':
      return categoricalStep(params, w, where);
    case 'date_parts':
      return exportDateParts(params, w, where);
    case 'interact': {
      const inputs = new Map(params.pairs.flat().map((name) => [name, w.numeric(name)]));
      w.add(
        params.pairs.map(([a, b]) => ({
          kind: 'number' as const,
          name: interactName(a, b),
          value: g.op1('Mul', [inputs.get(a) as string, inputs.get(b) as string]),
        })),
      );
      return;
    }
    case 'drop':
      for (const name of params.columns) w.drop(name);
      return;
  }
}
