/**
 * features: fit the feature pipeline (standardization, one-hot) on the train split only and
 * store it as an artifact; downstream tasks apply it to whatever rows they score.
 */
import type { TaskContext } from '../context';
import { readSplitRows } from './artifacts';
import { fitPipeline } from './lib/features';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { ArtifactRef, FeatureSpec } from './types';

export interface FeaturesInput {
  dataset: ArtifactRef;
  split: ArtifactRef;
  features: FeatureSpec;
}

export interface FeaturesOutput {
  pipeline: ArtifactRef;
  featureNames: string[];
  fittedRows: number;
  /** Test rows whose category in this column was never seen in training (they encode as all zeros). */
  unseenInTest: Record<string, number>;
}

export function fitFeatures(store: StoreProvider) {
  return async (input: FeaturesInput, ctx: TaskContext): Promise<FeaturesOutput> => {
    const s = store();
    const { train, test } = await readSplitRows(s, input.dataset, input.split);
    const pipeline = fitPipeline(train, input.features);
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'features/pipeline.json'), pipeline);
    const unseenInTest = Object.fromEntries(
      pipeline.categorical.map((c) => {
        const known = new Set(c.categories);
        return [c.name, test.filter((r) => !known.has(String(r[c.name]))).length];
      }),
    );
    return { pipeline: ref, featureNames: pipeline.featureNames, fittedRows: pipeline.fittedRows, unseenInTest };
  };
}
