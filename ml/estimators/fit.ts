/**
 * `fitEstimator`: validates the kind/task pairing, labels, features and hyperparameters, then
 * runs the trainer. Async so a long fit (gradient boosting) yields to the event loop after every
 * iteration: progress callbacks can heartbeat and an AbortSignal stops the fit between
 * iterations (the worker thread is closed). Deterministic for a seed.
 */
import { fitGbtAsync, fitGbtMulticlassAsync, type AnyGbtModel } from '../gbt/gradient-boosting';
import type { GbtOptions } from '../gbt/boosting';
import { fitLogistic } from '../linear/logistic';
import { checkMatrixShape, columnPlaces, denseCols, toDense, type Matrix } from '../frame/matrix';
import { fitRidge } from '../linear/ridge';
import { validateHyperparams } from './hyperparams';
import { classWeightsToSampleWeights } from './class-weight';
import { EstimatorInputError, type Estimator, type EstimatorKind, type FitEstimatorInput, type Hyperparams, type Task } from './types';
import { InputError } from '../../core/errors';

const KIND_TASKS: Record<EstimatorKind, readonly Task[]> = {
  logistic_regression: ['binary', 'multiclass'],
  linear_regression: ['regression'],
  gbt: ['binary', 'multiclass', 'regression'],
};

/** Refuses a kind/task pairing the kind cannot learn, naming both. */
export function checkKindTask(kind: EstimatorKind, task: Task): void {
  const tasks = KIND_TASKS[kind];
  if (!tasks) throw new EstimatorInputError(`unknown estimator kind '${String(kind)}' (known: ${Object.keys(KIND_TASKS).join(', ')})`);
  if (!tasks.includes(task)) {
    const hint =
      kind === 'linear_regression'
        ? '; use logistic_regression or gbt for classification'
        : kind === 'logistic_regression'
          ? '; use linear_regression or gbt for regression'
          : '';
    throw new EstimatorInputError(`estimator ${kind} cannot learn a ${String(task)} task (it handles ${tasks.join(', ')})${hint}`);
  }
}

function classCount(task: Task, numClasses: number | undefined): number {
  if (task === 'regression') return 0;
  if (task === 'binary' && numClasses !== 2)
    throw new EstimatorInputError(`a binary task has 2 classes, got numClasses ${String(numClasses)}`);
  if (task === 'multiclass' && !(Number.isInteger(numClasses) && (numClasses as number) >= 3)) {
    throw new EstimatorInputError(
      `a multiclass task has at least 3 classes, got numClasses ${String(numClasses)} (2 classes: use task 'binary')`,
    );
  }
  return numClasses as number;
}

function checkShapes(x: Matrix, y: ArrayLike<number>): void {
  if (x.rows === 0) throw new EstimatorInputError('no training rows');
  if (x.cols === 0) throw new EstimatorInputError('no features');
  try {
    checkMatrixShape(x);
  } catch (err) {
    throw new EstimatorInputError((err as Error).message);
  }
  if (y.length !== x.rows) throw new EstimatorInputError(`${x.rows} feature rows but ${y.length} targets`);
}

function checkLabels(y: ArrayLike<number>, task: Task, numClasses: number): void {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    if (task === 'regression') {
      if (!Number.isFinite(t)) throw new EstimatorInputError(`the target is ${t} at row ${i}; regression needs finite targets`);
    } else {
      if (!(Number.isInteger(t) && t >= 0 && t < numClasses))
        throw new EstimatorInputError(`label ${t} at row ${i} is not a class index in 0..${numClasses - 1}`);
      if (seen.size < 2) seen.add(t);
    }
  }
  if (task !== 'regression' && seen.size < 2)
    throw new EstimatorInputError('the target has a single class in the training rows; nothing to learn');
}

/** Infinite values are refused by every kind; NaN (missing) and category-code columns only gbt accepts. */
function checkFeatures(x: Matrix, kind: EstimatorKind, names: readonly string[] | undefined): void {
  const allowNaN = kind === 'gbt';
  const dc = denseCols(x);
  const coded = allowNaN ? -1 : (x.categorical ?? []).indexOf(true);
  if (coded >= 0) {
    const name = names?.[coded] !== undefined ? `feature '${names[coded]}' (column ${coded})` : `feature column ${coded}`;
    throw new EstimatorInputError(
      `${name} holds category codes from a 'categorical' feature step, which only gbt splits on; ${kind} needs an 'onehot' step for it instead`,
    );
  }
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i] as number;
    if (Number.isFinite(v) || (allowNaN && Number.isNaN(v))) continue;
    // One-hot blocks hold no values to check: name the dense column by its place among all columns.
    const places = columnPlaces(x);
    const col = places.indexOf(i % dc);
    const name = names?.[col] !== undefined ? `feature '${names[col]}' (column ${col})` : `feature column ${col}`;
    const fix = Number.isNaN(v) ? `; impute missing values in the feature pipeline (only gbt accepts them)` : '';
    throw new EstimatorInputError(`${name} is ${v} at row ${Math.floor(i / dc)}${fix}`);
  }
}

const num = (hp: Hyperparams, key: string): number => hp[key] as number;

/** The fit's row weights: sampleWeight times the class weights (sklearn's rule); undefined when neither is given. */
function rowWeights(input: FitEstimatorInput, numClasses: number): Float64Array | undefined {
  const { sampleWeight: sw, classWeight, y } = input;
  if (sw && sw.length !== y.length) throw new EstimatorInputError(`${y.length} targets but ${sw.length} sample weights`);
  if (classWeight === undefined) return sw;
  if (input.task === 'regression')
    throw new EstimatorInputError('classWeight applies to classification; a regression task takes sampleWeight only');
  return classWeightsToSampleWeights(y, numClasses, classWeight, input.classLabels, sw);
}

async function fitGbtKind(
  input: FitEstimatorInput,
  hp: Hyperparams,
  numClasses: number,
): Promise<{ model: AnyGbtModel; iterations: number }> {
  const { y, signal } = input;
  // Gradient boosting bins dense columns: one-hot blocks are expanded here (the only copy).
  const x = toDense(input.x);
  const maxIter = num(hp, 'maxIter');
  const o: Omit<GbtOptions, 'loss'> = {
    maxIter,
    learningRate: num(hp, 'learningRate'),
    maxLeafNodes: num(hp, 'maxLeafNodes'),
    minSamplesLeaf: num(hp, 'minSamplesLeaf'),
    l2: num(hp, 'l2'),
    maxBins: num(hp, 'maxBins'),
    earlyStopping: hp['earlyStopping'] === true,
    validationFraction: num(hp, 'validationFraction'),
    nIterNoChange: num(hp, 'nIterNoChange'),
    tol: num(hp, 'tol'),
    seed: input.seed ?? 0,
    onIteration: (iteration) => {
      signal?.throwIfAborted();
      input.onProgress?.({ kind: 'gbt', iteration, maxIterations: maxIter });
    },
  };
  if (typeof hp['maxDepth'] === 'number') o.maxDepth = hp['maxDepth'];
  const weights = rowWeights(input, numClasses);
  if (weights) o.sampleWeight = weights;
  if (numClasses > 2) {
    const model = await fitGbtMulticlassAsync(x, y, numClasses, o);
    return { model, iterations: model.trees.length };
  }
  const model = await fitGbtAsync(x, y, { ...o, loss: numClasses === 2 ? 'log_loss' : 'squared_error' });
  return { model, iterations: model.trees.length };
}

async function fitChecked(input: FitEstimatorInput, hp: Hyperparams, numClasses: number): Promise<Estimator> {
  const { kind, task, x, y } = input;
  const base = { task, numClasses, numFeatures: x.cols, hyperparams: hp };
  if (kind === 'logistic_regression') {
    const l2 = hp['l2'] !== undefined ? num(hp, 'l2') : 1 / ((hp['C'] !== undefined ? num(hp, 'C') : 1) * x.rows);
    const maxIterations = num(hp, 'maxIter');
    // fitLogistic runs L-BFGS synchronously: fast (1M × 10 binary ≈ 1.5 s), so progress is reported once.
    const fit = fitLogistic(x, y, numClasses, {
      l2,
      maxIterations,
      tolerance: num(hp, 'tol'),
      sampleWeight: rowWeights(input, numClasses),
    });
    input.onProgress?.({ kind, iteration: fit.iterations, maxIterations });
    return { ...base, kind, model: fit.model, fitInfo: { iterations: fit.iterations, converged: fit.converged } };
  }
  if (kind === 'linear_regression') {
    const model = fitRidge(x, y, num(hp, 'alpha'), rowWeights(input, numClasses));
    input.onProgress?.({ kind, iteration: 1, maxIterations: 1 });
    return { ...base, kind, model, fitInfo: { iterations: 0 } };
  }
  const { model, iterations } = await fitGbtKind(input, hp, numClasses);
  const fitInfo = hp['earlyStopping'] === true ? { iterations, stoppedEarly: iterations < num(hp, 'maxIter') } : { iterations };
  return { ...base, kind, model, fitInfo };
}

export async function fitEstimator(input: FitEstimatorInput): Promise<Estimator> {
  const { kind, task, x, y } = input;
  checkKindTask(kind, task);
  const numClasses = classCount(task, input.numClasses);
  const hp = validateHyperparams(kind, input.hyperparams ?? {});
  checkShapes(x, y);
  checkLabels(y, task, numClasses);
  checkFeatures(x, kind, input.featureNames);
  input.signal?.throwIfAborted();
  try {
    return await fitChecked(input, hp, numClasses);
  } catch (err) {
    // The trainers report bad input (e.g. collinear features with alpha 0) as InputError: name the kind.
    if (err instanceof InputError && !(err instanceof EstimatorInputError)) throw new EstimatorInputError(`${kind}: ${err.message}`);
    throw err;
  }
}
