/**
 * `predictEstimator`: class probabilities and argmax classes for classification, predictions for
 * regression, from any estimator kind.
 */
import { compiledGbt } from '../gbt/compiled';
import { gbtMulticlassProba, gbtProba, gbtRaw, isMulticlassGbt } from '../gbt/gradient-boosting';
import { logisticProba } from '../linear/logistic';
import { checkMatrixShape, columnPlaces, denseCols, toDense, type Matrix } from '../frame/matrix';
import { argmaxRows } from '../metrics/classification';
import { ridgePredict } from '../linear/ridge';
import { EstimatorInputError, type Estimator, type Prediction } from './types';

/** rows × 2 probabilities from P(class 1). */
function twoColumns(p1: Float64Array): Float64Array {
  const out = new Float64Array(2 * p1.length);
  for (let i = 0; i < p1.length; i++) {
    out[2 * i] = 1 - (p1[i] as number);
    out[2 * i + 1] = p1[i] as number;
  }
  return out;
}

/**
 * Build what scoring needs once, at load, rather than on the first request: a gradient-boosting
 * model's compiled trees (ml/gbt/compiled.ts, kept with the model object). Nothing to do for linear models.
 */
export function prepareEstimator(est: Estimator): void {
  if (est.kind === 'gbt') compiledGbt(est.model);
}

export function predictEstimator(est: Estimator, input: Matrix): Prediction {
  if (input.cols !== est.numFeatures)
    throw new EstimatorInputError(`the ${est.kind} model expects ${est.numFeatures} features, the matrix has ${input.cols}`);
  try {
    checkMatrixShape(input);
  } catch (err) {
    throw new EstimatorInputError((err as Error).message);
  }
  if (est.kind !== 'gbt') {
    const coded = (input.categorical ?? []).indexOf(true);
    if (coded >= 0)
      throw new EstimatorInputError(
        `feature column ${coded} holds category codes (a 'categorical' feature step); ${est.kind} needs 'onehot' instead`,
      );
    const dc = denseCols(input);
    for (let i = 0; i < input.data.length; i++) {
      if (!Number.isFinite(input.data[i]))
        throw new EstimatorInputError(
          `feature column ${columnPlaces(input).indexOf(i % dc)} is ${input.data[i]} at row ${Math.floor(i / dc)}; ${est.kind} needs finite features`,
        );
    }
  }
  // Linear models read one-hot blocks as they are; gradient boosting needs the dense layout.
  const x = est.kind === 'gbt' ? toDense(input) : input;
  if (est.task === 'regression') {
    if (est.kind === 'linear_regression') return { values: ridgePredict(est.model, x) };
    if (est.kind === 'gbt' && !isMulticlassGbt(est.model)) return { values: gbtRaw(est.model, x) };
    throw new EstimatorInputError(`a ${est.kind} model cannot make regression predictions`);
  }
  let proba: Float64Array;
  if (est.kind === 'logistic_regression') proba = logisticProba(est.model, x);
  else if (est.kind === 'gbt') proba = isMulticlassGbt(est.model) ? gbtMulticlassProba(est.model, x) : twoColumns(gbtProba(est.model, x));
  else throw new EstimatorInputError('a linear_regression model cannot predict classes');
  return { proba, values: Float64Array.from(argmaxRows(proba, est.numClasses)) };
}
