/**
 * tune: one instance per hyperparameter candidate; scores it by stratified k-fold
 * cross-validation on the train split. Heartbeats while training.
 */
import type { TaskContext } from '../context';
import { readSplitRows } from './artifacts';
import { crossValidate } from './lib/cross-validate';
import { heartbeater } from './progress';
import type { StoreProvider } from './store';
import type { ArtifactRef, FeatureSpec, TrialConfig, TrialResult } from './types';

export interface TuneInput {
  config: TrialConfig;
  dataset: ArtifactRef;
  split: ArtifactRef;
  target: string;
  features: FeatureSpec;
  classes: string[];
  folds: number;
  seed: number;
}

export function tuneCandidate(store: StoreProvider) {
  return async (input: TuneInput, ctx: TaskContext): Promise<TrialResult> => {
    const { train } = await readSplitRows(store(), input.dataset, input.split);
    const beat = heartbeater(ctx);
    const cv = await crossValidate({
      rows: train,
      target: input.target,
      features: input.features,
      classes: input.classes,
      config: input.config,
      folds: input.folds,
      seed: input.seed,
      onProgress: (fold, epoch) => beat({ fold, epoch }),
    });
    ctx.log.info('trial scored', { index: input.config.index, cvAccuracy: cv.cvAccuracy, cvLogLoss: cv.cvLogLoss });
    return { config: input.config, cvAccuracy: cv.cvAccuracy, cvLogLoss: cv.cvLogLoss, foldAccuracies: cv.foldAccuracies };
  };
}
