/**
 * The declarative feature pipeline (issue #4, item 3): a JSON spec of steps (impute, standardize,
 * minmax, log, bin, onehot, date_parts, interact, drop), fitted on the training split only and
 * applied identically at evaluation and prediction time. docs/feature-pipeline.md is the manual.
 */
export { fitFeaturePipeline, fitTransformFeatures, type FeatureMatrix } from './fit';
export { FITTED_FORMAT, FITTED_VERSION, parseFittedPipeline, type FittedFeaturePipeline } from './fitted';
export { planFeatureSpec, type PlanColumn, type PlanType } from './plan';
export type { FittedStep } from './run';
export {
  DATE_PARTS,
  defaultFeatureSpec,
  FeaturePipelineError,
  featurePipelineSpecSchema,
  parseFeatureSpec,
  stepSchema,
  type DatePart,
  type FeaturePipelineSpec,
  type FeaturePipelineSpecInput,
  type FeatureStep,
  type FeatureStepOp,
} from './spec';
export { prepareTransform, transformFeatures } from './transform';
