/**
 * The rows a training step works on: the dataset artifact divided by the split artifact, and
 * the target encoded once. Shared by tune, train and evaluate so they can never disagree about
 * which rows are train and which are test.
 */
import { readDataset, type DatasetRef } from './dataset';
import type { ClassWeight, Task } from '../../ml/estimators';
import type { MetricName } from '../../ml/metrics/evaluation';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import { takeRows, type Frame } from '../../ml/frame/frame';
import { ArtifactError, InputError } from '../../core/errors';
import { readArtifactBytes } from '../../storage/artifacts/download';
import type { FitData } from './offload/jobs/fit-input';
import { runInThread } from './offload/runner';
import { transferableBytes } from './offload/transfer';
import { splitArtifact, type SplitArtifact } from './split-artifact';
import { getArtifact, type ArtifactStore } from './store';
import type { ArtifactRef } from './types';

export async function readSplit(store: ArtifactStore, ref: ArtifactRef): Promise<SplitArtifact> {
  return splitArtifact.parse(await getArtifact(store, ref), ref.uri);
}

/** What tune and train share: the data, its split, the target, the task and the feature pipeline to fit. */
export interface TrainingInputs {
  dataset: DatasetRef;
  split: ArtifactRef;
  target: string;
  task: Task;
  /** Class labels by index (classification); [] for regression. */
  classes: string[];
  features: FeaturePipelineSpecInput;
  seed: number;
  metric: MetricName;
  /** Classification: sklearn's class_weight, applied to every fit (not to the metrics). */
  classWeight?: ClassWeight;
  /** Named feature pipelines that trials pick by name (dags/params/pipelines.ts); `features` is the default. */
  pipelines?: Record<string, FeaturePipelineSpecInput>;
}

/** What a fit in the worker thread reads (offload/jobs/fit-input.ts): `rows` of `frame`, fitted with the trial's pipeline. */
export function fitDataOf(input: TrainingInputs, frame: Frame, rows: Int32Array, pipeline: string | undefined): FitData {
  return {
    frame,
    rows,
    target: input.target,
    task: input.task,
    classes: input.classes,
    features: trialFeatures(input, pipeline),
    seed: input.seed,
    ...(input.classWeight !== undefined && { classWeight: input.classWeight }),
  };
}

/** The feature pipeline a trial is fitted with: its named one, else `features`; an undeclared name is bad input. */
export function trialFeatures(input: TrainingInputs, pipeline: string | undefined): FeaturePipelineSpecInput {
  if (pipeline === undefined) return input.features;
  const spec = input.pipelines?.[pipeline];
  if (!spec) {
    const declared = Object.keys(input.pipelines ?? {});
    throw new InputError(
      `pipeline '${pipeline}' is not declared (${declared.length ? `declared: ${declared.join(', ')}` : 'no pipelines given'})`,
    );
  }
  return spec;
}

export interface SplitFrames {
  train: Frame;
  test: Frame;
}

/** The whole dataset and the indices of its train and test rows (what offloaded computations take). */
export interface SplitRows {
  frame: Frame;
  train: Int32Array;
  test: Int32Array;
}

/** The dataset and its split as row indices; a split made for another dataset, or naming rows it lacks, fails. */
export async function readSplitRows(store: ArtifactStore, dataset: DatasetRef, split: ArtifactRef): Promise<SplitRows> {
  const [frame, bytes] = await Promise.all([readDataset(store, dataset), readSplitBytes(store, split)]);
  // Parsing and checking a split of millions of indices is O(rows) CPU: a thread does it for large datasets.
  const { train, test } = await runInThread(
    'parseSplitRows',
    { bytes, uri: split.uri, dataset: { uri: dataset.uri, rows: frame.rows } },
    { rows: frame.rows, transfer: transferableBytes([bytes]) },
  );
  return { frame, train, test };
}

async function readSplitBytes(store: ArtifactStore, ref: ArtifactRef): Promise<Uint8Array> {
  try {
    return await readArtifactBytes(store, ref);
  } catch (err) {
    if (err instanceof ArtifactError) err.message = `artifact ${err.message}`;
    throw err;
  }
}

/** The dataset's train and test rows; a split made for another dataset, or naming rows it lacks, fails. */
export async function readSplitFrames(store: ArtifactStore, dataset: DatasetRef, split: ArtifactRef): Promise<SplitFrames> {
  const { frame, train, test } = await readSplitRows(store, dataset, split);
  return { train: takeRows(frame, train), test: takeRows(frame, test) };
}
