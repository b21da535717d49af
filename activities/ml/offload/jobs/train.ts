/** train_best's computation: the feature pipeline and one estimator fitted on the whole train split. */
import {
  estimatorToJson,
  fitEstimator,
  type ClassWeight,
  type EstimatorJson,
  type EstimatorKind,
  type Task,
} from '../../../../ml/estimators';
import { fitTransformFeatures, type FeaturePipelineSpecInput, type FittedFeaturePipeline } from '../../../../ml/features';
import { takeRows, type Frame } from '../../../../ml/frame/frame';
import { encodeTarget } from '../../model-artifact';

export interface FitModelInput {
  frame: Frame;
  rows: Int32Array;
  target: string;
  task: Task;
  classes: string[];
  features: FeaturePipelineSpecInput;
  kind: EstimatorKind;
  hyperparams: Record<string, number | string | boolean>;
  seed: number;
  classWeight?: ClassWeight;
}

export interface FitModelOutput {
  pipeline: FittedFeaturePipeline;
  estimator: EstimatorJson;
  /** Seconds of the feature pipeline's fit + transform and of the estimator's fit. */
  timing: { transformSeconds: number; fitSeconds: number };
}

export async function fitModel(input: FitModelInput, progress: (details: unknown) => void): Promise<FitModelOutput> {
  const train = takeRows(input.frame, input.rows);
  const y = encodeTarget(train, input.target, input.task, input.classes);
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
    ...(input.classWeight !== undefined && { classWeight: input.classWeight, classLabels: input.classes }),
    featureNames: fit.featureNames,
    onProgress: (p) => progress({ iteration: p.iteration, of: p.maxIterations }),
  });
  const seconds = (ms: number): number => Math.round(ms) / 1000;
  return {
    pipeline: fit.fitted,
    estimator: estimatorToJson(estimator),
    timing: { transformSeconds: seconds(t1 - t0), fitSeconds: seconds(performance.now() - t1) },
  };
}
