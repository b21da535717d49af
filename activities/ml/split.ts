/** split: a seeded, stratified train/test split, stored as row-index lists. */
import { ApplicationFailure } from '@temporalio/common';
import type { TaskContext } from '../context';
import { readRows, type SplitArtifact } from './artifacts';
import { countClasses } from './lib/clean';
import { stratifiedSplit } from './lib/split';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { ArtifactRef, DatasetRef } from './types';

export interface SplitInput {
  dataset: DatasetRef;
  target: string;
  testFraction: number;
  seed: number;
}

export interface SplitOutput {
  split: ArtifactRef;
  trainRows: number;
  testRows: number;
  trainClassCounts: Record<string, number>;
  testClassCounts: Record<string, number>;
}

export function splitDataset(store: StoreProvider) {
  return async (input: SplitInput, ctx: TaskContext): Promise<SplitOutput> => {
    const s = store();
    const rows = await readRows(s, input.dataset);
    const labels = rows.map((r) => String(r[input.target]));
    const small = Object.entries(countClasses(rows, input.target)).filter(([, n]) => n < 2);
    if (small.length > 0) {
      throw ApplicationFailure.nonRetryable(`cannot stratify: class(es) ${small.map(([c]) => `'${c}'`).join(', ')} have fewer than 2 rows`, 'TooFewRows');
    }
    const { train, test } = stratifiedSplit(labels, input.testFraction, input.seed);
    const artifact: SplitArtifact = { format: 'tideflow.split', version: 1, dataset: input.dataset.uri, seed: input.seed, testFraction: input.testFraction, train, test };
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'datasets/split.json'), artifact);
    const pick = (idx: number[]) => countClasses(idx.map((i) => rows[i] ?? {}), input.target);
    return { split: ref, trainRows: train.length, testRows: test.length, trainClassCounts: pick(train), testClassCounts: pick(test) };
  };
}
