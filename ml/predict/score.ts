/**
 * The one scoring implementation: raw rows (a Frame) → the fitted feature pipeline (which checks
 * its input columns and types) → the estimator → class labels and probabilities, or regression
 * values. Batch prediction (activities/ml/predict-batch.ts) and the prediction server (serve/)
 * both call `scoreFrame`, so online and batch answers for the same rows are the same numbers.
 */
import { predictEstimator } from '../estimators';
import { transformFeatures } from '../features';
import type { Frame } from '../frame/frame';
import type { LoadedModel } from './model';

export interface Scores {
  rows: number;
  /** Classification: the predicted label per row (argmax of `proba`); regression: undefined. */
  labels?: string[];
  /** Classification: class probabilities, rows × classes row-major, classes in `model.artifact.classes` order. */
  proba?: Float64Array;
  /** Classification: the predicted class index per row; regression: the prediction. */
  values: Float64Array;
}

/**
 * Score `frame` with `model`. Bad input (a missing or mistyped column, a value the pipeline cannot
 * handle) throws the ML library's FeaturePipelineError / EstimatorInputError, naming the column.
 */
export function scoreFrame(model: LoadedModel, frame: Frame): Scores {
  const { matrix } = transformFeatures(model.pipeline, frame);
  const pred = predictEstimator(model.estimator, matrix);
  if (model.artifact.task === 'regression') return { rows: frame.rows, values: pred.values };
  const classes = model.artifact.classes;
  const labels = Array.from(pred.values, (c) => {
    const label = classes[c];
    // parseModelDocument checked classes.length === numClasses, so argmax is always a listed class.
    if (label === undefined) throw new Error(`estimator predicted class index ${c}, the model has ${classes.length} classes`);
    return label;
  });
  return { rows: frame.rows, labels, ...(pred.proba && { proba: pred.proba }), values: pred.values };
}

/** Row `i`'s probabilities as `{class: p}`. */
export function probabilitiesAt(model: LoadedModel, scores: Scores, i: number): Record<string, number> {
  const classes = model.artifact.classes;
  const k = classes.length;
  const out: Record<string, number> = {};
  classes.forEach((cls, c) => {
    out[cls] = scores.proba?.[i * k + c] ?? NaN;
  });
  return out;
}
