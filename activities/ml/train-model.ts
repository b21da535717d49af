/**
 * train_best: pick the best trial by its cross-validated metric (ties → lower index, so the
 * choice never depends on which trial finished first), fit the feature pipeline and that
 * estimator on the whole train split, and store the self-contained model artifact.
 */
import { locateError } from '../../core/errors';
import type { TaskContext } from '../context';
import { bestTrial } from '../../ml/model-selection/cross-validation';
import { estimatorToJson, fitEstimator } from '../../ml/estimators';
import { fitTransformFeatures } from '../../ml/features';
import { encodeTarget, MODEL_FORMAT, MODEL_VERSION, type ModelArtifact } from './model-artifact';
import { heartbeater } from './progress';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import { readSplitFrames, type TrainingInputs } from './training-data';
import type { TrialResult } from './tune-trial';
import type { ArtifactRef } from './types';

export interface TrainModelInput extends TrainingInputs {
  trials: TrialResult[];
  modelName: string;
}

export interface TrainModelOutput {
  model: ArtifactRef;
  /** The fitted feature pipeline alone (also inside the model): the registry's featurePipeline lineage. */
  pipeline: ArtifactRef;
  modelName: string;
  best: TrialResult;
  trainRows: number;
  features: number;
  iterations: number;
  converged?: boolean;
}

export function trainModel(store: StoreProvider) {
  return async (input: TrainModelInput, ctx: TaskContext): Promise<TrainModelOutput> => {
    const s = store(ctx);
    const { train } = await readSplitFrames(s, input.dataset, input.split);
    const beat = heartbeater(ctx);
    let artifact: ModelArtifact;
    let best: TrialResult;
    try {
      best = bestTrial(input.trials, input.metric);
      const y = encodeTarget(train, input.target, input.task, input.classes);
      const fit = fitTransformFeatures(train, input.features);
      const estimator = await fitEstimator({
        kind: best.kind as ModelArtifact['estimator']['kind'],
        task: input.task,
        x: fit.matrix,
        y,
        numClasses: input.classes.length,
        hyperparams: best.hyperparams,
        seed: input.seed,
        featureNames: fit.featureNames,
        signal: ctx.signal,
        onProgress: (p) => beat({ iteration: p.iteration, of: p.maxIterations }),
      });
      artifact = {
        format: MODEL_FORMAT,
        version: MODEL_VERSION,
        modelName: input.modelName,
        task: input.task,
        target: input.target,
        classes: input.classes,
        pipeline: fit.fitted,
        estimator: estimatorToJson(estimator),
        trial: { index: best.index, kind: best.kind, hyperparams: best.hyperparams },
        training: {
          rows: train.rows,
          dataset: input.dataset.uri,
          split: input.split.uri,
          seed: input.seed,
          dagId: ctx.dagId,
          workflowId: ctx.workflowId,
        },
      };
    } catch (err) {
      throw locateError(err, 'train_best');
    }
    const [ref, pipeline] = await Promise.all([
      putArtifact(s, runArtifactKey(s, ctx, `models/${input.modelName}.json`), artifact),
      putArtifact(s, runArtifactKey(s, ctx, `models/${input.modelName}.pipeline.json`), artifact.pipeline),
    ]);
    ctx.log.info('trained best trial', { index: best.index, kind: best.kind, uri: ref.uri });
    const info = artifact.estimator.fitInfo;
    return {
      model: ref,
      pipeline,
      modelName: input.modelName,
      best,
      trainRows: train.rows,
      features: artifact.pipeline.featureNames.length,
      iterations: info.iterations,
      ...(info.converged !== undefined && { converged: info.converged }),
    };
  };
}
