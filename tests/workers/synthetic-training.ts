/**
 * The training inputs every worker test builds on a stored synthetic dataset (./synthetic.ts):
 * split it with the real activity, then name the label, the features, the seed and the metric
 * the ML steps share.
 */
import type { DatasetRef } from '../../activities/ml/dataset';
import { splitData } from '../../activities/ml/split-data';
import type { ArtifactStore } from '../../activities/ml/store';
import type { TrainingInputs } from '../../activities/ml/training-data';
import type { TaskContext } from '../../activities/context';
import { testContext } from '../ml/activity-env';
import { SYNTHETIC_FEATURES } from './synthetic';

export async function syntheticTrainingInputs(
  store: ArtifactStore,
  dataset: DatasetRef,
  split: { strategy: 'random' | 'stratified'; testFraction: number } = { strategy: 'random', testFraction: 0.2 },
  ctx: TaskContext = testContext(),
): Promise<TrainingInputs> {
  const s = await splitData(() => store)({ dataset, target: 'label', task: 'auto', ...split, seed: 1 }, ctx);
  return {
    dataset,
    split: s.split,
    target: 'label',
    task: s.task,
    classes: s.classes,
    features: SYNTHETIC_FEATURES,
    seed: 1,
    metric: 'accuracy',
  };
}
