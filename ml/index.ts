/**
 * The pure ML library: typed frames, readers, the feature pipeline, trainers (linear models and
 * histogram gradient boosting), model selection, metrics with scikit-learn's definitions, data
 * validation, drift statistics and the HTML run report. No Temporal and no S3 here: activities/
 * adapts it to storage and the task runner.
 */
export * from './frame/frame';
export * from './frame/concat';
export * from './frame/arquero';
export * from './frame/interval-filter';
export type { Matrix } from './frame/matrix';
export * from './io/parse';
export * from './io/arrow';
export * from './stats/random';
export * from './stats/quantile';
export * from './features';
export * from './estimators';
export * from './metrics/classification';
export * from './metrics/evaluation';
export * from './metrics/direction';
export * from './model-selection/split';
export * from './model-selection/cross-validation';
export * from './validation';
export * from './drift';
export * from './report';
