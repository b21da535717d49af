/**
 * The uniform estimator layer's types: one fit / predict / serialise interface over the built-in
 * trainers (logistic regression, linear/ridge regression, histogram gradient boosting), so the
 * tune, train, evaluate and predict steps never branch on the trainer.
 */
import { InputError } from '../../core/errors';
import type { AnyGbtModel } from '../gbt/gradient-boosting';
import type { ClassWeight } from './class-weight';
import type { LogisticModel } from '../linear/logistic';
import type { Matrix } from '../frame/matrix';
import type { RidgeModel } from '../linear/ridge';

export type EstimatorKind = 'logistic_regression' | 'linear_regression' | 'gbt';
export type Task = 'binary' | 'multiclass' | 'regression';
export const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

export type HyperparamValue = number | string | boolean;
export type Hyperparams = Record<string, HyperparamValue>;

/**
 * Bad input a retry cannot fix: a hyperparameter out of range, a kind/task mismatch, labels
 * outside the classes, non-finite features, a single-class target, a malformed artifact. The
 * activity layer turns it into a non-retryable failure.
 */
export class EstimatorInputError extends InputError {
  override readonly name = 'EstimatorInputError';
}

export interface FitProgress {
  kind: EstimatorKind;
  /** Iterations done (boosting iterations, or L-BFGS iterations once the fit is over). */
  iteration: number;
  maxIterations: number;
}

export interface FitEstimatorInput {
  kind: EstimatorKind;
  task: Task;
  x: Matrix;
  /** Class indices 0..numClasses−1 (classification) or target values (regression). */
  y: Float64Array | Int32Array;
  /** 2 for binary, ≥ 3 for multiclass; ignored for regression. */
  numClasses?: number;
  hyperparams?: Readonly<Record<string, HyperparamValue>>;
  seed?: number;
  /**
   * Per-row weights (finite, ≥ 0, one per row), sklearn's sample_weight: each row's loss counts
   * this many times. Class weights become sample weights (weight of the row's class).
   */
  sampleWeight?: Float64Array;
  /** Names of the matrix columns, used in error messages (non-finite values). */
  featureNames?: readonly string[];
  /** Classification: 'balanced' or {class label: weight} (sklearn's class_weight); multiplies sampleWeight. */
  classWeight?: ClassWeight;
  /** Class labels by index, naming the keys of a classWeight map (default: the indices as strings). */
  classLabels?: readonly string[];
  onProgress?: (info: FitProgress) => void;
  signal?: AbortSignal;
}

export interface FitInfo {
  /** L-BFGS iterations (logistic), boosting iterations run (gbt), 0 (closed-form linear). */
  iterations: number;
  /** Logistic regression: whether L-BFGS met its tolerance. */
  converged?: boolean;
  /** Gradient boosting with early stopping: whether it stopped before maxIter. */
  stoppedEarly?: boolean;
}

interface EstimatorBase {
  task: Task;
  /** 2 or more for classification, 0 for regression. */
  numClasses: number;
  numFeatures: number;
  /** The validated hyperparameters with defaults filled in. */
  hyperparams: Hyperparams;
  fitInfo: FitInfo;
}

export type Estimator =
  | (EstimatorBase & { kind: 'logistic_regression'; model: LogisticModel })
  | (EstimatorBase & { kind: 'linear_regression'; model: RidgeModel })
  | (EstimatorBase & { kind: 'gbt'; model: AnyGbtModel });

export interface Prediction {
  /** Classification: class probabilities, rows × numClasses row-major. */
  proba?: Float64Array;
  /** Classification: the predicted class index (argmax); regression: the prediction. */
  values: Float64Array;
}
