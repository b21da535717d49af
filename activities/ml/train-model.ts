/**
 * train_best: pick the best trial by its cross-validated metric (ties → lower index, so the
 * choice never depends on which trial finished first), fit the feature pipeline and that
 * estimator on the whole train split, and store the self-contained model artifact.
 */
import { locateError } from '../../core/errors';
import type { TaskContext } from '../context';
import { bestTrial } from '../../ml/model-selection/cross-validation';
import { MODEL_FORMAT, MODEL_VERSION, type ModelArtifact } from './model-artifact';
import { offloadForTask } from './offload/task';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import { readSplitRows, type TrainingInputs } from './training-data';
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
    const { frame, train } = await readSplitRows(s, input.dataset, input.split);
    const trainRows = train.length;
    let artifact: ModelArtifact;
    let best: TrialResult;
    try {
      best = bestTrial(input.trials, input.metric);
      // Feature pipeline and estimator are fitted in a worker thread (offload/jobs/train.ts).
      const fit = await offloadForTask(
        ctx,
        'fitModel',
        {
          frame,
          rows: train,
          target: input.target,
          task: input.task,
          classes: input.classes,
          features: input.features,
          kind: best.kind as ModelArtifact['estimator']['kind'],
          hyperparams: best.hyperparams,
          seed: input.seed,
        },
        { transfer: [train.buffer as ArrayBuffer] },
      );
      artifact = {
        format: MODEL_FORMAT,
        version: MODEL_VERSION,
        modelName: input.modelName,
        task: input.task,
        target: input.target,
        classes: input.classes,
        pipeline: fit.pipeline,
        estimator: fit.estimator,
        trial: { index: best.index, kind: best.kind, hyperparams: best.hyperparams },
        training: {
          rows: trainRows,
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
      trainRows,
      features: artifact.pipeline.featureNames.length,
      iterations: info.iterations,
      ...(info.converged !== undefined && { converged: info.converged }),
    };
  };
}
