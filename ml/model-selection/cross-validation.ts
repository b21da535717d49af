/**
 * k-fold cross-validation of one trial, independent of how features are built: the caller's
 * `prepare(trainIdx, heldIdx)` fits the feature pipeline on the fold's training rows only and
 * transforms both parts (so no statistic of a held-out fold leaks into its model), `fit` trains
 * an estimator, and every metric of the task is computed on the held-out rows.
 *
 * Folds: `stratifiedFoldIds` (classification: each fold keeps the class mix) or `kFolds`
 * (regression: a seeded shuffle dealt round-robin). Both are deterministic for a seed.
 */
import { InputError } from '../../core/errors';
import { higherIsBetter } from '../metrics/direction';
import type { Estimator, Task } from '../estimators/types';
import { predictEstimator } from '../estimators/predict';
import {
  checkMetricForTask,
  evaluateClassification,
  evaluateRegression,
  METRIC_NAMES,
  metricValue,
  METRICS,
  type MetricName,
} from '../metrics/evaluation';
import type { Matrix } from '../frame/matrix';
import { createRng } from '../stats/random';
import { stratifiedFolds } from './split';

/** Fold id (0..k−1) of each of n rows: a seeded shuffle dealt round-robin, so sizes differ by at most one. */
export function kFolds(n: number, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new InputError(`folds must be an integer ≥ 2, got ${k}`);
  if (k > n) throw new InputError(`cannot make ${k} folds of ${n} rows`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const fold = new Int32Array(n);
  for (let p = 0; p < n; p++) fold[order[p] as number] = p % k;
  return fold;
}

/** Stratified fold ids from class indices (split.ts `stratifiedFolds`). */
export function stratifiedFoldIds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  return Int32Array.from(stratifiedFolds(Array.from(labels, String), k, seed));
}

/** Stratified folds for classification, plain seeded k-fold for regression. */
export const foldsFor = (task: Task, y: ArrayLike<number>, k: number, seed: number): Int32Array =>
  task === 'regression' ? kFolds(y.length, k, seed) : stratifiedFoldIds(y, k, seed);

export interface FoldData {
  xTrain: Matrix;
  yTrain: Float64Array | Int32Array;
  xHeld: Matrix;
  yHeld: Float64Array | Int32Array;
}

export interface CrossValidateInput {
  /** Number of rows; `folds` has one fold id per row. */
  rows: number;
  folds: ArrayLike<number>;
  task: Task;
  /** The selection metric (METRICS); must apply to the task. */
  metric: MetricName;
  /** Class names for classification (default "0", "1", …); only labels the evaluations. */
  classes?: readonly string[];
  /** Builds the fold's matrices: fit the feature pipeline on trainIdx only, transform both. */
  prepare: (trainIdx: Int32Array, heldIdx: Int32Array, fold: number) => FoldData | Promise<FoldData>;
  fit: (x: Matrix, y: Float64Array | Int32Array, fold: number) => Promise<Estimator>;
  onFold?: (fold: number, folds: number) => void;
  signal?: AbortSignal;
  /** The fold ids held out in turn (default: every fold). Holdout validation (./holdout.ts) holds out [0] only. */
  heldOut?: readonly number[];
}

export interface MetricSummary {
  mean: number;
  /** Population standard deviation over folds (numpy's default, as sklearn's std_test_score). */
  std: number;
  perFold: number[];
}

export interface CrossValidateResult extends MetricSummary {
  metric: MetricName;
  higherIsBetter: boolean;
  /** Every metric of the task that is defined on every fold. */
  allMetrics: Partial<Record<MetricName, MetricSummary>>;
}

function summary(values: number[]): MetricSummary {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, perFold: values };
}

export async function crossValidate(input: CrossValidateInput): Promise<CrossValidateResult> {
  const { rows, folds, task } = input;
  const metric = checkMetricForTask(input.metric, task);
  if (folds.length !== rows) throw new InputError(`${folds.length} fold ids for ${rows} rows`);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const f = folds[i] as number;
    if (!(Number.isInteger(f) && f >= 0)) throw new InputError(`fold id ${f} at row ${i} is not an integer ≥ 0`);
    k = Math.max(k, f + 1);
  }
  const sizes = new Int32Array(k);
  for (let i = 0; i < rows; i++) sizes[folds[i] as number] = (sizes[folds[i] as number] as number) + 1;
  if (k < 2) throw new InputError(`cross-validation needs at least 2 folds, got ${k}`);
  sizes.forEach((s, f) => {
    if (s === 0) throw new InputError(`fold ${f} has no rows (fold ids must be 0..${k - 1})`);
  });
  const relevant = METRIC_NAMES.filter((m) => (METRICS[m].tasks as readonly Task[]).includes(task));
  const values = new Map<MetricName, Array<number | null>>(relevant.map((m) => [m, []]));
  const heldOut = input.heldOut ?? Array.from({ length: k }, (_, f) => f);
  for (const f of heldOut)
    if (!(Number.isInteger(f) && f >= 0 && f < k)) throw new InputError(`held-out fold ${f} is not one of 0..${k - 1}`);
  for (const [done, f] of heldOut.entries()) {
    input.signal?.throwIfAborted();
    const trainIdx = new Int32Array(rows - (sizes[f] as number));
    const heldIdx = new Int32Array(sizes[f] as number);
    let a = 0;
    let b = 0;
    for (let i = 0; i < rows; i++) {
      if (folds[i] === f) heldIdx[b++] = i;
      else trainIdx[a++] = i;
    }
    const data = await input.prepare(trainIdx, heldIdx, f);
    if (data.xHeld.rows !== heldIdx.length || data.yHeld.length !== heldIdx.length) {
      throw new InputError(
        `fold ${f}: prepare returned ${data.xHeld.rows} held-out feature rows and ${data.yHeld.length} targets for ${heldIdx.length} held-out rows`,
      );
    }
    const est = await input.fit(data.xTrain, data.yTrain, f);
    if (est.task !== task)
      throw new InputError(`fold ${f}: the fitted estimator is for a ${est.task} task, cross-validation is for ${task}`);
    const pred = predictEstimator(est, data.xHeld);
    const classes = input.classes ?? Array.from({ length: est.numClasses }, (_, c) => String(c));
    const ev =
      task === 'regression' || !pred.proba
        ? evaluateRegression(data.yHeld, pred.values)
        : evaluateClassification(data.yHeld, pred.proba, est.numClasses, classes);
    for (const m of relevant) values.get(m)?.push(metricValue(m, ev));
    input.onFold?.(done + 1, heldOut.length);
  }
  const allMetrics: Partial<Record<MetricName, MetricSummary>> = {};
  for (const [m, vs] of values) {
    if (vs.every((v): v is number => v !== null)) allMetrics[m] = summary(vs);
  }
  const chosen = allMetrics[metric];
  if (!chosen) {
    const bad = (values.get(metric) ?? []).findIndex((v) => v === null);
    throw new InputError(
      `metric '${metric}' is undefined on fold ${heldOut[bad] ?? bad} (a class is missing from its held-out rows); use fewer folds or another metric`,
    );
  }
  return { metric, higherIsBetter: higherIsBetter(metric), ...chosen, allMetrics };
}

/**
 * Trials from best to worst by their cross-validated mean of `metric`; ties go to the lower index,
 * so the order never depends on the order trials finished in. Trials with a non-finite mean are left out.
 */
export function rankTrials<T extends { index: number; mean: number }>(trials: readonly T[], metric: MetricName): T[] {
  const sign = higherIsBetter(metric) ? -1 : 1;
  return trials.filter((t) => Number.isFinite(t.mean)).sort((a, b) => sign * (a.mean - b.mean) || a.index - b.index);
}

/** The best trial (rankTrials' first). */
export function bestTrial<T extends { index: number; mean: number }>(trials: readonly T[], metric: MetricName): T {
  const best = rankTrials(trials, metric)[0];
  if (!best) throw new InputError(`no trial has a finite ${metric}`);
  return best;
}
