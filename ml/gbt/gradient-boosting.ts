/**
 * Histogram-based gradient-boosted trees (like scikit-learn's HistGradientBoosting*): squared-error
 * regression, binary log loss and K-class log loss (softmax, K trees per iteration). The loop is
 * boosting.ts (binning in binning.ts, trees in grower.ts); this module is the public API:
 * fitting (sync and async), predictions, and the serialised forms (serialize.ts).
 *
 * Binary and regression models are `tideflow.gbt` version 3 (`GbtModel`), multiclass models
 * version 4 (`GbtMulticlassModel`); versions 1 and 2 are still read (serialize.ts, docs/ml-models.md).
 * Columns flagged `categorical` in the Matrix are split natively; NaN means missing.
 * Deterministic for a seed (it picks the binning subsample of > 200,000 rows and, with early
 * stopping, the validation rows).
 */
import { boostSteps, type BoostResult, type GbtOptions } from './boosting';
import { sigmoid } from './losses';
import { compiledGbt, compiledRaw } from './compiled';
import type { AnyGbtModel, GbtModel, GbtMulticlassModel, GbtTree } from './serialize';
import type { Matrix } from '../frame/matrix';
import { InputError } from '../../core/errors';

export type { GbtLoss, GbtOptions } from './boosting';
export type { AnyGbtModel, GbtModel, GbtMulticlassModel, GbtTree } from './serialize';
export { gbtFromJson, gbtModelFromJson, gbtToJson, isMulticlassGbt } from './serialize';

/** The boosting loop of a binary or regression model, yielding after every tree (see `boostSteps`). */
export function* gbtSteps(x: Matrix, y: ArrayLike<number>, o: GbtOptions): Generator<number, GbtModel> {
  const r: BoostResult = yield* boostSteps(x, y, o.loss === 'log_loss' ? 2 : 0, o);
  return {
    format: 'tideflow.gbt',
    version: 3,
    loss: o.loss,
    numFeatures: x.cols,
    knownCategories: r.knownCategories,
    baseline: r.baseline[0] as number,
    trees: r.trees.map((it) => it[0] as GbtTree),
  };
}

/** The boosting loop of a K-class model (y: class indices 0..K−1), yielding after every iteration of K trees. */
export function* gbtMulticlassSteps(
  x: Matrix,
  y: ArrayLike<number>,
  numClasses: number,
  o: Omit<GbtOptions, 'loss'>,
): Generator<number, GbtMulticlassModel> {
  if (!Number.isInteger(numClasses) || numClasses < 3)
    throw new InputError(`multiclass gradient boosting needs ≥ 3 classes, got ${numClasses} (use loss log_loss with 0/1 targets for 2)`);
  const r: BoostResult = yield* boostSteps(x, y, numClasses, { ...o, loss: 'log_loss' });
  return {
    format: 'tideflow.gbt',
    version: 4,
    loss: 'log_loss',
    numFeatures: x.cols,
    numClasses,
    knownCategories: r.knownCategories,
    baseline: r.baseline,
    trees: r.trees,
  };
}

/** Reports an iteration; an exception from the callback is thrown into the generator, so its cleanup (the worker thread) runs. */
function report<T>(steps: Generator<number, T>, onIteration: ((i: number) => void) | undefined, iterations: number): void {
  try {
    onIteration?.(iterations);
  } catch (err) {
    steps.throw(err);
  }
}

function drive<T>(steps: Generator<number, T>, onIteration: ((i: number) => void) | undefined): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    report(steps, onIteration, next.value);
  }
}

/** Gives the event loop a turn after each iteration (heartbeats, cancellation). */
async function driveAsync<T>(steps: Generator<number, T>, onIteration: ((i: number) => void) | undefined): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    report(steps, onIteration, next.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export const fitGbt = (x: Matrix, y: ArrayLike<number>, o: GbtOptions): GbtModel => drive(gbtSteps(x, y, o), o.onIteration);

/** Same model as `fitGbt`, yielding to the event loop after each tree. */
export const fitGbtAsync = (x: Matrix, y: ArrayLike<number>, o: GbtOptions): Promise<GbtModel> =>
  driveAsync(gbtSteps(x, y, o), o.onIteration);

export const fitGbtMulticlass = (x: Matrix, y: ArrayLike<number>, numClasses: number, o: Omit<GbtOptions, 'loss'>): GbtMulticlassModel =>
  drive(gbtMulticlassSteps(x, y, numClasses, o), o.onIteration);

export const fitGbtMulticlassAsync = (
  x: Matrix,
  y: ArrayLike<number>,
  numClasses: number,
  o: Omit<GbtOptions, 'loss'>,
): Promise<GbtMulticlassModel> => driveAsync(gbtMulticlassSteps(x, y, numClasses, o), o.onIteration);

function checkFeatures(m: AnyGbtModel, x: Matrix): void {
  if (x.cols !== m.numFeatures) throw new InputError(`model expects ${m.numFeatures} features, got ${x.cols}`);
}

/** Raw scores (log-odds for log_loss, predictions for squared_error). */
export function gbtRaw(m: GbtModel, x: Matrix): Float64Array {
  checkFeatures(m, x);
  return compiledRaw(compiledGbt(m), x);
}

/** P(class 1) for a binary log_loss model. */
export function gbtProba(m: GbtModel, x: Matrix): Float64Array {
  if (m.loss !== 'log_loss') throw new InputError('probabilities need a log_loss model');
  return gbtRaw(m, x).map(sigmoid);
}

/** Raw scores of a multiclass model, rows × numClasses row-major. */
export function gbtMulticlassRaw(m: GbtMulticlassModel, x: Matrix): Float64Array {
  checkFeatures(m, x);
  return compiledRaw(compiledGbt(m), x);
}

/** Class probabilities of a multiclass model (softmax of the raw scores), rows × numClasses row-major. */
export function gbtMulticlassProba(m: GbtMulticlassModel, x: Matrix): Float64Array {
  const raw = gbtMulticlassRaw(m, x);
  const k = m.numClasses;
  for (let i = 0; i < x.rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((raw[i * k + c] as number) - max);
      raw[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) raw[i * k + c] = (raw[i * k + c] as number) / sum;
  }
  return raw;
}
