/**
 * The uniform estimator layer (docs/ml-models.md): `fitEstimator`, `predictEstimator`,
 * `estimatorToJson` / `estimatorFromJson` over logistic regression, linear/ridge regression and
 * histogram gradient boosting, with per-kind hyperparameter validation.
 */
export { classWeightsToSampleWeights, type ClassWeight } from './class-weight';
export { checkKindTask, fitEstimator } from './fit';
export { badValue, describeAllowed, ESTIMATOR_KINDS, HYPERPARAMS, validateHyperparams, type ParamSpec } from './hyperparams';
export { ESTIMATOR_FORMAT, ESTIMATOR_VERSION, estimatorFromJson, estimatorToJson, type EstimatorJson } from './json';
export { predictEstimator, prepareEstimator } from './predict';
export * from './types';
