/**
 * split: divide the dataset's labelled rows into train and test, stored as row-index lists.
 *   random      seeded shuffle
 *   stratified  seeded, per class (classification only; the default there)
 *   time        train = earlier rows, test = later ones, by a timestamp column (no look-ahead)
 * Also settles the learning task once for every later step: 'auto' is regression for a number
 * target, classification otherwise (binary with two classes). Rows without a target are left out
 * and counted; a target with a single class is refused here, before any training.
 */
import { InputError } from '../../core/errors';

export type { SplitArtifact } from './split-artifact';
import type { TaskContext } from '../context';
import { readDataset, type DatasetRef } from './dataset';
import { parseRelativeInstant, resolveInstant } from '../../ml/frame/relative-time';
import type { SplitParams, SplitSummary } from './offload/jobs/split';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { putArtifactBytes, runArtifactKey, type StoreProvider } from './store';
import type { ArtifactRef } from './types';

export type { LearningTask, SplitStrategy } from './offload/jobs/split';

export interface SplitDataInput extends SplitParams {
  dataset: DatasetRef;
  /**
   * For strategy 'time': test = rows at or after this instant (testFraction is then unused). An ISO
   * date/instant or relative to the run's data interval: 'dataIntervalEnd - 30 days' (ml/frame/relative-time).
   */
  cutoff?: string;
}

export interface SplitDataOutput extends SplitSummary {
  split: ArtifactRef;
}

/** The cutoff param as epoch ms: absolute, or relative to this run's data interval. */
function cutoffMs(text: string, ctx: TaskContext): number {
  try {
    const instant = parseRelativeInstant(text);
    return resolveInstant(instant, { startMs: Date.parse(ctx.dataIntervalStart), endMs: Date.parse(ctx.dataIntervalEnd) });
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`split: ${err.message}`, { type: 'InvalidSplit' });
    throw err;
  }
}

export function splitData(store: StoreProvider) {
  return async (input: SplitDataInput, ctx: TaskContext): Promise<SplitDataOutput> => {
    const s = store(ctx);
    const frame = await heartbeating(ctx, READING, () => readDataset(s, input.dataset));
    const cutoff =
      input.strategy === 'time' && input.cutoff !== undefined ? { text: input.cutoff, ms: cutoffMs(input.cutoff, ctx) } : undefined;
    const { dataset: _ref, cutoff: _text, ...params } = input;
    // Every row is looked at (labels, classes, shuffles, sorts): a thread does it for a large dataset (offload/jobs/split.ts).
    const { artifact, ...out } = await offloadForTask(
      ctx,
      'splitDataset',
      { ...params, frame, dataset: input.dataset.uri, ...(cutoff && { cutoff }) },
      { rows: frame.rows },
    );
    const split = await putArtifactBytes(s, runArtifactKey(s, ctx, 'datasets/split.json'), artifact);
    const { strategy, task, boundary } = out;
    ctx.log.info('split dataset', { strategy, task, train: out.trainRows, test: out.testRows, ...boundary });
    return { split, ...out };
  };
}
