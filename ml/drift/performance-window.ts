/**
 * The performance metrics of a production window (pure): the rows that carry both a label and a
 * prediction are scored with the scikit-learn-parity metrics of activities/ml/lib (pure TS, no
 * Node APIs); rows without a label, or with a label but no prediction, are ignored and counted.
 *
 * Classification: labels and predictions are compared as text (1, "1" and 1.0 are one class);
 * classes are the labels, predictions, `positiveLabel` and probability-map keys seen, sorted
 * numerically when all are numbers, else by code point (numpy's `unique`).
 * - accuracy, macro_f1: as sklearn (`f1_score(average='macro')` over the classes present).
 * - f1, precision, recall: binary (the positive class) with two classes, macro with more.
 * - roc_auc, log_loss: from `probabilityColumn` — a number per row (the positive class's
 *   probability, binary only) or an object {class: probability} (a JSON object string is parsed);
 *   binary: `roc_auc_score` / `log_loss` on the positive class; multiclass: one-vs-rest macro AUC
 *   and multinomial log loss (rows must sum to 1, as sklearn ≥ 1.5 demands).
 * - The positive class is `positiveLabel`, else 1 / true when the classes are {0, 1}, {-1, 1} or
 *   {false, true}; otherwise binary metrics are not computed and say why.
 * Regression: labels and predictions must be numbers (or numeric text): rmse, mae, r2.
 * A metric that cannot be computed on this window carries the reason (reported, never a pass).
 */
import { InputError } from '../../core/errors';
import { rocAuc, rocAucOvr } from '../metrics/auc';
import { accuracy, binaryLogLoss, logLoss } from '../metrics/classification';
import { f1, precision, recall } from '../metrics/precision-recall';
import { mae, r2, rmse } from '../metrics/regression';
import type { PerformanceMetric, PerformanceSpec, WindowMetrics } from './performance';

type Row = Readonly<Record<string, unknown>>;

function isMissing(v: unknown, missing: ReadonlySet<string>): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return Number.isNaN(v);
  if (typeof v === 'string') return v.trim() === '' || missing.has(v);
  return false;
}

function classKey(v: unknown, column: string, row: number): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`row ${row}: column '${column}' holds ${JSON.stringify(v)}, not a class label`);
}

function toNumber(v: unknown, column: string, row: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new Error(`row ${row}: column '${column}' holds ${JSON.stringify(v)}, not a finite number`);
  return n;
}

/** A probability cell: a number (positive class), a {class: p} map, a JSON text of either, or missing. */
type Probability = number | Record<string, number> | undefined;

function probabilityOf(v: unknown, column: string, row: number, missing: ReadonlySet<string>): Probability {
  if (isMissing(v, missing)) return undefined;
  let x: unknown = v;
  if (typeof x === 'string') {
    const t = x.trim();
    try {
      x = t.startsWith('{') ? (JSON.parse(t) as unknown) : Number(t);
    } catch {
      throw new Error(`row ${row}: column '${column}' holds ${JSON.stringify(v)}, not a probability or a JSON {class: probability} object`);
    }
  }
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const map: Record<string, number> = {};
    for (const [k, p] of Object.entries(x as Record<string, unknown>)) {
      if (typeof p !== 'number' || !Number.isFinite(p))
        throw new Error(`row ${row}: column '${column}': probability of class '${k}' is ${JSON.stringify(p)}, not a number`);
      map[k] = p;
    }
    return map;
  }
  throw new Error(`row ${row}: column '${column}' holds ${JSON.stringify(v)}, not a probability or a {class: probability} object`);
}

function sortClasses(keys: Iterable<string>): string[] {
  const all = [...new Set(keys)];
  const numeric = all.every((k) => k.trim() !== '' && Number.isFinite(Number(k)));
  return numeric ? all.sort((a, b) => Number(a) - Number(b)) : all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** sklearn's pos_label=1 default, for the class sets where it is meaningful. */
function defaultPositive(classes: readonly string[]): string | undefined {
  const within = (allowed: string[]): boolean => classes.every((c) => allowed.includes(c));
  if (within(['0', '1']) || within(['-1', '1'])) return '1';
  if (within(['false', 'true'])) return 'true';
  return undefined;
}

interface Labeled {
  /** Window row number of each scored row (for error messages). */
  rowOf: number[];
  labels: unknown[];
  predictions: unknown[];
  probabilities: Probability[];
}

/** Split the window into scored rows and counts. */
function labeledRows(
  rows: readonly Row[],
  spec: PerformanceSpec,
  missing: ReadonlySet<string>,
): Labeled & { missingLabel: number; missingPrediction: number } {
  const out: Labeled = { rowOf: [], labels: [], predictions: [], probabilities: [] };
  let missingLabel = 0;
  let missingPrediction = 0;
  rows.forEach((r, i) => {
    const label = r[spec.labelColumn];
    if (isMissing(label, missing)) {
      missingLabel++;
      return;
    }
    const pred = r[spec.predictionColumn];
    if (isMissing(pred, missing)) {
      missingPrediction++;
      return;
    }
    out.rowOf.push(i);
    out.labels.push(label);
    out.predictions.push(pred);
    out.probabilities.push(
      spec.probabilityColumn ? probabilityOf(r[spec.probabilityColumn], spec.probabilityColumn, i, missing) : undefined,
    );
  });
  return { ...out, missingLabel, missingPrediction };
}

function attempt(values: WindowMetrics['values'], errors: WindowMetrics['errors'], metric: PerformanceMetric, compute: () => number): void {
  try {
    const v = compute();
    if (!Number.isFinite(v)) throw new InputError(`the value is ${v}`);
    values[metric] = v;
  } catch (err) {
    errors[metric] = err instanceof Error ? err.message : String(err);
  }
}

function classification(d: Labeled, spec: PerformanceSpec, values: WindowMetrics['values'], errors: WindowMetrics['errors']): string[] {
  const labels = d.labels.map((v, i) => classKey(v, spec.labelColumn, d.rowOf[i] as number));
  const preds = d.predictions.map((v, i) => classKey(v, spec.predictionColumn, d.rowOf[i] as number));
  const mapKeys = d.probabilities.flatMap((p) => (typeof p === 'object' ? Object.keys(p) : []));
  const seen = sortClasses([...labels, ...preds, ...mapKeys]);
  // The positive class counts as a class even when absent from this window (F1 is then 0, as sklearn's).
  const positive = spec.positiveLabel ?? defaultPositive(seen);
  const classes = positive === undefined ? seen : sortClasses([...seen, positive]);
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  const yTrue = Int32Array.from(labels, (c) => index.get(c) as number);
  const yPred = Int32Array.from(preds, (c) => index.get(c) as number);
  const pos = positive === undefined ? undefined : (index.get(positive) as number);
  const needPositive = (metric: string): number => {
    if (pos === undefined) throw new InputError(`binary ${metric} needs performance.positiveLabel (classes: ${classes.join(', ')})`);
    return pos;
  };
  const binaryTruth = (p: number): Uint8Array => Uint8Array.from(yTrue, (t) => (t === p ? 1 : 0));
  /** Positive-class probability per row (binary). */
  const positiveProbability = (metric: string): Float64Array => {
    const p = needPositive(metric);
    return Float64Array.from(d.probabilities, (x, i) => {
      if (x === undefined) throw new InputError(`row ${d.rowOf[i]} has a label and a prediction but no '${spec.probabilityColumn}'`);
      return typeof x === 'number' ? x : (x[classes[p] as string] ?? 0);
    });
  };
  /** n × k probability matrix (multiclass): needs a {class: p} object per row. */
  const probabilityMatrix = (): Float64Array => {
    const m = new Float64Array(d.probabilities.length * k);
    d.probabilities.forEach((x, i) => {
      if (typeof x !== 'object')
        throw new InputError(
          `row ${d.rowOf[i]}: '${spec.probabilityColumn}' must be a {class: probability} object with ${k} classes (${classes.join(', ')}), got ${x === undefined ? 'nothing' : String(x)}`,
        );
      for (const [c, p] of Object.entries(x)) m[i * k + (index.get(c) as number)] = p;
    });
    return m;
  };
  for (const { name } of spec.metrics) {
    switch (name) {
      case 'accuracy':
        attempt(values, errors, name, () => accuracy(yTrue, yPred));
        break;
      case 'macro_f1':
        attempt(values, errors, name, () => f1(yTrue, yPred, { average: 'macro', numClasses: k }));
        break;
      case 'f1':
      case 'precision':
      case 'recall': {
        const fn = name === 'f1' ? f1 : name === 'precision' ? precision : recall;
        attempt(values, errors, name, () =>
          k > 2
            ? fn(yTrue, yPred, { average: 'macro', numClasses: k })
            : fn(yTrue, yPred, { average: 'binary', posLabel: needPositive(name), numClasses: k }),
        );
        break;
      }
      case 'roc_auc':
        attempt(values, errors, name, () =>
          k > 2 ? rocAucOvr(yTrue, probabilityMatrix(), k) : rocAuc(binaryTruth(needPositive(name)), positiveProbability(name)),
        );
        break;
      case 'log_loss':
        attempt(values, errors, name, () =>
          k > 2 ? logLoss(yTrue, probabilityMatrix(), k) : binaryLogLoss(binaryTruth(needPositive(name)), positiveProbability(name)),
        );
        break;
      default:
        errors[name] = `${name} is not a classification metric`;
    }
  }
  return classes;
}

function regression(d: Labeled, spec: PerformanceSpec, values: WindowMetrics['values'], errors: WindowMetrics['errors']): void {
  const yTrue = Float64Array.from(d.labels, (v, i) => toNumber(v, spec.labelColumn, d.rowOf[i] as number));
  const yPred = Float64Array.from(d.predictions, (v, i) => toNumber(v, spec.predictionColumn, d.rowOf[i] as number));
  for (const { name } of spec.metrics) {
    if (name === 'rmse') attempt(values, errors, name, () => rmse(yTrue, yPred));
    else if (name === 'mae') attempt(values, errors, name, () => mae(yTrue, yPred));
    else if (name === 'r2') attempt(values, errors, name, () => r2(yTrue, yPred));
    else errors[name] = `${name} is not a regression metric`;
  }
}

/**
 * Score a window. Throws (naming the column and the window's row number, from 0) on values no retry can fix: a
 * non-numeric regression label, an object as a class label, an unreadable probability.
 * A window without the label column at all has 0 labeled rows and says so in `note`.
 */
export function windowMetrics(rows: readonly Row[], spec: PerformanceSpec, missingValues: readonly string[] = []): WindowMetrics {
  const present = (col: string): boolean => rows.some((r) => col in r);
  if (rows.length > 0 && !present(spec.predictionColumn)) {
    throw new Error(
      `performance.predictionColumn '${spec.predictionColumn}' is not in the window (columns: ${Object.keys(rows[0] ?? {}).join(', ')})`,
    );
  }
  const missing = new Set(missingValues);
  const d = labeledRows(rows, spec, missing);
  const counts = { rows: rows.length, labeledRows: d.labels.length, missingLabel: d.missingLabel, missingPrediction: d.missingPrediction };
  const values: WindowMetrics['values'] = {};
  const errors: WindowMetrics['errors'] = {};
  if (d.labels.length === 0) {
    const note = rows.length > 0 && !present(spec.labelColumn) ? `the window has no label column '${spec.labelColumn}'` : undefined;
    for (const { name } of spec.metrics) errors[name] = 'no labeled rows';
    return { ...counts, values, errors, ...(note && { note }) };
  }
  if (spec.task === 'regression') {
    regression(d, spec, values, errors);
    return { ...counts, values, errors };
  }
  const classes = classification(d, spec, values, errors);
  return { ...counts, values, errors, classes };
}
