/** train_best's computation: the feature pipeline and one estimator fitted on the whole train split. */
import { estimatorToJson, fitEstimator, type EstimatorJson, type EstimatorKind } from '../../../../ml/estimators';
import { fitTransformFeatures, type FittedFeaturePipeline } from '../../../../ml/features';
import { classWeightOptions, seconds, trainRowsOf, type FitData } from './fit-input';

export interface FitModelInput extends FitData {
  kind: EstimatorKind;
  hyperparams: Record<string, number | string | boolean>;
}

export interface FitModelOutput {
  pipeline: FittedFeaturePipeline;
  estimator: EstimatorJson;
  /** Seconds of the feature pipeline's fit + transform and of the estimator's fit. */
  timing: { transformSeconds: number; fitSeconds: number };
}

export async function fitModel(input: FitModelInput, progress: (details: unknown) => void): Promise<FitModelOutput> {
  const { train, y } = trainRowsOf(input);
  progress({ phase: 'features' });
  const t0 = performance.now();
  const fit = fitTransformFeatures(train, input.features);
  const t1 = performance.now();
  const estimator = await fitEstimator({
    kind: input.kind,
    task: input.task,
    x: fit.matrix,
    y,
    numClasses: input.classes.length,
    hyperparams: input.hyperparams,
    seed: input.seed,
    ...classWeightOptions(input),
    featureNames: fit.featureNames,
    onProgress: (p) => progress({ iteration: p.iteration, of: p.maxIterations }),
  });
  return {
    pipeline: fit.fitted,
    estimator: estimatorToJson(estimator),
    timing: { transformSeconds: seconds(t1 - t0), fitSeconds: seconds(performance.now() - t1) },
  };
}
