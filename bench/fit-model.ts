/**
 * A model artifact fitted in this process the way ml_retrain's train_best fits one — the feature
 * pipeline, then the estimator on its matrix — without Temporal or S3: for benchmarks and tests
 * that need a real model of a known kind quickly.
 */
import { encodeTarget } from '../activities/ml/model-artifact';
import { estimatorToJson, fitEstimator, type EstimatorKind, type Hyperparams, type Task } from '../ml/estimators';
import { fitTransformFeatures, type FeaturePipelineSpecInput } from '../ml/features';
import type { Frame } from '../ml/frame/frame';
import { MODEL_FORMAT, MODEL_VERSION, parseModelDocument, type LoadedModel, type ModelArtifact } from '../ml/predict';

export interface InProcessFit {
  modelName: string;
  kind: EstimatorKind;
  task: Task;
  target: string;
  /** Class labels in index order ([] for regression). */
  classes: string[];
  features: FeaturePipelineSpecInput;
  hyperparams: Hyperparams;
  seed: number;
  /** What the artifact records as its training data and run (train_best puts URIs and ids there). */
  provenance: { dataset: string; split: string; dagId: string; workflowId: string };
}

export async function fitModelArtifact(frame: Frame, fit: InProcessFit): Promise<ModelArtifact> {
  const { fitted, matrix } = fitTransformFeatures(frame, fit.features);
  const estimator = await fitEstimator({
    kind: fit.kind,
    task: fit.task,
    x: matrix,
    y: encodeTarget(frame, fit.target, fit.task, fit.classes),
    ...(fit.task !== 'regression' && { numClasses: fit.classes.length }),
    hyperparams: fit.hyperparams,
    seed: fit.seed,
  });
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    modelName: fit.modelName,
    task: fit.task,
    target: fit.target,
    classes: fit.classes,
    pipeline: fitted,
    estimator: estimatorToJson(estimator),
    trial: { index: 0, kind: fit.kind, hyperparams: fit.hyperparams },
    training: {
      rows: frame.rows,
      dataset: fit.provenance.dataset,
      split: fit.provenance.split,
      seed: fit.seed,
      dagId: fit.provenance.dagId,
      workflowId: fit.provenance.workflowId,
    },
  };
}

/** The artifact as a server loads a registered version: through JSON, then parsed and checked. */
export const loadedModel = (artifact: ModelArtifact, what = 'model'): LoadedModel =>
  parseModelDocument(JSON.parse(JSON.stringify(artifact)), what);
