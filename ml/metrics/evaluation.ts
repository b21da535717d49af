/**
 * Model evaluation with scikit-learn's definitions, from predicted probabilities (classification)
 * or predictions (regression): every number comes from the sklearn-parity metric functions
 * (metrics*.ts), plus `rocCurve` (sklearn's `roc_curve`, drop_intermediate=True). `METRICS` is
 * the one table of metric names a DAG may select by; their direction is core/metric-direction's rule.
 */
import { InputError } from '../../core/errors';
import { z } from 'zod';
import { higherIsBetter } from './direction';
import { accuracy, argmaxRows, confusionMatrix, logLoss, probaColumn } from './classification';
import { rocAuc, rocAucOvr } from './auc';
import { classCounts, classScore, prfScore } from './precision-recall';
import { mae, r2, rmse } from './regression';
import type { Task } from '../estimators/types';

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is the highest score + 1 (scikit-learn 1.2's convention; ≥ 1.3 uses +∞). */
  thresholds: number[];
}

export interface ClassScores {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true class this is. */
  support: number;
}

export interface ClassificationEvaluation {
  n: number;
  numClasses: number;
  classes: string[];
  /** Binary: the class precision, recall, F1, ROC-AUC and the ROC curve are about. */
  positiveClass?: string;
  accuracy: number;
  /** Binary: of the positive class; multiclass: macro average. */
  precision: number;
  recall: number;
  f1: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** Binary ROC-AUC, or macro one-vs-rest; null when undefined (a class absent from yTrue). */
  rocAuc: number | null;
  logLoss: number;
  /** confusion[true][predicted]. */
  confusion: number[][];
  perClass: ClassScores[];
  /** Binary only, when both classes occur in yTrue. */
  rocCurve?: RocCurve;
}

export interface RegressionEvaluation {
  n: number;
  rmse: number;
  mae: number;
  r2: number;
}

/**
 * scikit-learn's `roc_curve(yTrue, score, drop_intermediate=True)`: one point per distinct score
 * (descending), collinear interior points dropped, (0, 0) prepended. yTrue is 0/1.
 */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): RocCurve {
  const n = yTrue.length;
  if (score.length !== n) throw new InputError(`length mismatch: ${n} labels, ${score.length} scores`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) if (Number.isNaN(score[i])) throw new InputError(`score at row ${i} is NaN`);
  order.sort((a, b) => (score[b] as number) - (score[a] as number) || 0);
  // _binary_clf_curve: cumulative true/false positives at the last row of each distinct score.
  const tps: number[] = [];
  const fps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const t = yTrue[i] as number;
    if (t !== 0 && t !== 1) throw new InputError(`ROC curve needs 0/1 labels, got ${t} at row ${i}`);
    tp += t;
    const next = order[k + 1];
    if (next === undefined || score[next] !== score[i]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thr.push(score[i] as number);
    }
  }
  const P = tps[tps.length - 1] ?? 0;
  const N = fps[fps.length - 1] ?? 0;
  if (P === 0 || N === 0) throw new InputError('the ROC curve is undefined when only one class is present in yTrue');
  let keep = tps.map((_, k) => k);
  if (tps.length > 2) {
    // Keep the ends and every point where the curve bends (a non-zero second difference).
    keep = keep.filter(
      (k) =>
        k === 0 ||
        k === tps.length - 1 ||
        (fps[k + 1] as number) - 2 * (fps[k] as number) + (fps[k - 1] as number) !== 0 ||
        (tps[k + 1] as number) - 2 * (tps[k] as number) + (tps[k - 1] as number) !== 0,
    );
  }
  return {
    fpr: [0, ...keep.map((k) => (fps[k] as number) / N)],
    tpr: [0, ...keep.map((k) => (tps[k] as number) / P)],
    thresholds: [(thr[0] as number) + 1, ...keep.map((k) => thr[k] as number)],
  };
}

const orNull = (f: () => number): number | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/**
 * All classification metrics from probabilities (rows × numClasses row-major); the predicted
 * class is the argmax (first on ties, as numpy). `positiveClass` (binary only) is a name from
 * `classes`, default the second class. Zero-division scores are 0, as sklearn's default.
 */
export function evaluateClassification(
  yTrue: ArrayLike<number>,
  proba: Float64Array,
  numClasses: number,
  classes: readonly string[],
  positiveClass?: string,
): ClassificationEvaluation {
  const n = yTrue.length;
  if (n === 0) throw new InputError('evaluation of no rows');
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new InputError(`need at least 2 classes, got ${numClasses}`);
  if (classes.length !== numClasses) throw new InputError(`${classes.length} class names for ${numClasses} classes`);
  if (proba.length !== n * numClasses) throw new InputError(`expected ${n} × ${numClasses} probabilities, got ${proba.length}`);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i] as number;
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses))
      throw new InputError(`label ${t} at row ${i} is not a class index in 0..${numClasses - 1}`);
  }
  const yPred = argmaxRows(proba, numClasses);
  const { counts } = classCounts(yTrue, yPred, numClasses);
  const support = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < n; i++) support[yTrue[i] as number] = (support[yTrue[i] as number] as number) + 1;
  const perClass = counts.map((c, k) => ({
    class: classes[k] as string,
    precision: classScore('precision', c, 0),
    recall: classScore('recall', c, 0),
    f1: classScore('f1', c, 0),
    support: support[k] as number,
  }));
  const macro = (m: 'precision' | 'recall' | 'f1'): number => prfScore(m, yTrue, yPred, { average: 'macro', numClasses, zeroDivision: 0 });
  const ev: ClassificationEvaluation = {
    n,
    numClasses,
    classes: [...classes],
    accuracy: accuracy(yTrue, yPred),
    precision: 0,
    recall: 0,
    f1: 0,
    macroPrecision: macro('precision'),
    macroRecall: macro('recall'),
    macroF1: macro('f1'),
    rocAuc: null,
    logLoss: logLoss(yTrue, proba, numClasses),
    confusion: confusionMatrix(yTrue, yPred, numClasses),
    perClass,
  };
  if (numClasses > 2) {
    if (positiveClass !== undefined)
      throw new InputError(`positiveClass '${positiveClass}' only applies to binary tasks (${numClasses} classes)`);
    return {
      ...ev,
      precision: ev.macroPrecision,
      recall: ev.macroRecall,
      f1: ev.macroF1,
      rocAuc: orNull(() => rocAucOvr(yTrue, proba, numClasses)),
    };
  }
  const pos = positiveClass === undefined ? 1 : classes.indexOf(positiveClass);
  if (pos < 0) throw new InputError(`positiveClass '${positiveClass}' is not one of the classes ${JSON.stringify(classes)}`);
  const k = counts[pos] as (typeof counts)[number];
  const isPos = Uint8Array.from({ length: n }, (_, i) => (yTrue[i] === pos ? 1 : 0));
  const score = probaColumn(proba, 2, pos);
  const out: ClassificationEvaluation = {
    ...ev,
    positiveClass: classes[pos] as string,
    precision: classScore('precision', k, 0),
    recall: classScore('recall', k, 0),
    f1: classScore('f1', k, 0),
    rocAuc: orNull(() => rocAuc(isPos, score)),
  };
  if (out.rocAuc !== null) out.rocCurve = rocCurve(isPos, score);
  return out;
}

export function evaluateRegression(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionEvaluation {
  for (let i = 0; i < yTrue.length; i++) {
    if (!Number.isFinite(yTrue[i]) || !Number.isFinite(yPred[i])) throw new InputError(`non-finite target or prediction at row ${i}`);
  }
  return { n: yTrue.length, rmse: rmse(yTrue, yPred), mae: mae(yTrue, yPred), r2: r2(yTrue, yPred) };
}

export interface MetricInfo {
  tasks: readonly Task[];
  /** The evaluation field it reads. */
  field: 'accuracy' | 'f1' | 'macroF1' | 'rocAuc' | 'logLoss' | 'precision' | 'recall' | 'rmse' | 'mae' | 'r2';
  doc: string;
}

const CLS: readonly Task[] = ['binary', 'multiclass'];

/** Metric names a DAG may select or gate by, with the tasks they apply to (direction: higherIsBetter(name)). */
export const METRICS = {
  accuracy: { tasks: CLS, field: 'accuracy', doc: 'share of rows whose argmax class is the true class' },
  f1: { tasks: ['binary'], field: 'f1', doc: 'F1 of the positive class (binary; use macro_f1 for multiclass)' },
  macro_f1: { tasks: CLS, field: 'macroF1', doc: 'unweighted mean F1 over classes' },
  roc_auc: { tasks: CLS, field: 'rocAuc', doc: 'binary ROC-AUC, or macro one-vs-rest for multiclass' },
  log_loss: { tasks: CLS, field: 'logLoss', doc: 'mean negative log-likelihood of the true class' },
  precision: { tasks: CLS, field: 'precision', doc: 'of the positive class (binary) or macro (multiclass)' },
  recall: { tasks: CLS, field: 'recall', doc: 'of the positive class (binary) or macro (multiclass)' },
  rmse: { tasks: ['regression'], field: 'rmse', doc: 'root mean squared error' },
  mae: { tasks: ['regression'], field: 'mae', doc: 'mean absolute error' },
  r2: { tasks: ['regression'], field: 'r2', doc: 'coefficient of determination' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES: readonly MetricName[] = Object.freeze(Object.keys(METRICS) as MetricName[]);
export const metricNameSchema = z.enum(Object.keys(METRICS) as [MetricName, ...MetricName[]]);

/** Refuses a metric the task does not have, naming the ones it has. */
export function checkMetricForTask(metric: string, task: Task): MetricName {
  const info = (METRICS as Record<string, MetricInfo>)[metric];
  if (!info) throw new InputError(`unknown metric '${metric}' (known: ${METRIC_NAMES.join(', ')})`);
  if (!info.tasks.includes(task))
    throw new InputError(
      `metric '${metric}' does not apply to a ${task} task (use one of ${METRIC_NAMES.filter((m) => (METRICS[m].tasks as readonly Task[]).includes(task)).join(', ')})`,
    );
  return metric as MetricName;
}

/** The metric's value in an evaluation; null when undefined there (e.g. ROC-AUC with a class absent). */
export function metricValue(metric: MetricName, ev: ClassificationEvaluation | RegressionEvaluation): number | null {
  const v = (ev as unknown as Record<string, number | null | undefined>)[METRICS[metric].field];
  if (v === undefined) throw new InputError(`metric '${metric}' is not part of this evaluation`);
  return v;
}

/** True when score a is strictly better than b for this metric. */
export const isBetter = (metric: MetricName, a: number, b: number): boolean => (higherIsBetter(metric) ? a > b : a < b);
