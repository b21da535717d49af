/**
 * train_best: pick the best trial by the declared metric, fit it on the whole train split
 * (through the feature pipeline fitted on that split) and store the model artifact.
 */
import type { TaskContext } from '../context';
import { readPipeline, readSplitRows, type ModelArtifact } from './artifacts';
import { encodeLabels, transformRows } from './lib/features';
import { predictProba, trainSoftmaxAsync } from './lib/logreg';
import { accuracy, argmaxRows } from './lib/metrics';
import { pickBestTrial } from './lib/search';
import { heartbeater } from './progress';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { ArtifactRef, SelectionMetric, TrialConfig, TrialResult } from './types';

export interface TrainBestInput {
  trials: TrialResult[];
  selectBy: SelectionMetric;
  dataset: ArtifactRef;
  split: ArtifactRef;
  pipeline: ArtifactRef;
  target: string;
  classes: string[];
  seed: number;
  modelName: string;
}

export interface TrainBestOutput {
  model: ArtifactRef;
  modelName: string;
  config: TrialConfig;
  selectedBy: SelectionMetric;
  cvAccuracy: number;
  cvLogLoss: number;
  epochsRun: number;
  converged: boolean;
  trainLoss: number;
  trainAccuracy: number;
}

export function trainBestModel(store: StoreProvider) {
  return async (input: TrainBestInput, ctx: TaskContext): Promise<TrainBestOutput> => {
    const best = pickBestTrial(input.trials, input.selectBy);
    const s = store();
    const [{ train }, pipeline] = await Promise.all([readSplitRows(s, input.dataset, input.split), readPipeline(s, input.pipeline)]);
    const x = transformRows(pipeline, train);
    const y = encodeLabels(train, input.target, input.classes);
    const beat = heartbeater(ctx);
    const fit = await trainSoftmaxAsync(x, y, input.classes.length, {
      l2: best.config.l2,
      learningRate: best.config.learningRate,
      epochs: best.config.epochs,
      seed: input.seed,
      onEpoch: (epoch, loss) => beat({ epoch, loss }),
    });
    const { model } = fit;
    const d = model.numFeatures;
    const artifact: ModelArtifact = {
      format: 'tideflow.logreg',
      version: 1,
      modelName: input.modelName,
      target: input.target,
      classes: input.classes,
      featureNames: pipeline.featureNames,
      weights: input.classes.map((_, c) => Array.from(model.weights.subarray(c * d, (c + 1) * d))),
      bias: Array.from(model.bias),
      config: best.config,
      pipeline,
      training: {
        rows: train.length,
        epochsRun: fit.epochsRun,
        converged: fit.converged,
        finalLoss: fit.finalLoss,
        seed: input.seed,
        dataset: input.dataset.uri,
        split: input.split.uri,
      },
    };
    const ref = await putArtifact(s, runArtifactKey(s, ctx, `models/${input.modelName}.json`), artifact);
    const trainAccuracy = accuracy(y, argmaxRows(predictProba(model, x), input.classes.length));
    ctx.log.info('trained best candidate', { index: best.config.index, trainAccuracy, uri: ref.uri });
    return {
      model: ref,
      modelName: input.modelName,
      config: best.config,
      selectedBy: input.selectBy,
      cvAccuracy: best.cvAccuracy,
      cvLogLoss: best.cvLogLoss,
      epochsRun: fit.epochsRun,
      converged: fit.converged,
      trainLoss: fit.finalLoss,
      trainAccuracy,
    };
  };
}
