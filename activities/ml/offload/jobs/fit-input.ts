/**
 * What train_best's fit (./train.ts) and tune's cross-validation (./tune.ts) both receive in
 * their worker thread, and the steps they begin with: the train rows and their encoded target.
 */
import type { ClassWeight, Task } from '../../../../ml/estimators';
import type { FeaturePipelineSpecInput } from '../../../../ml/features';
import { takeRows, type Frame } from '../../../../ml/frame/frame';
import { encodeTarget } from '../../model-artifact';

export interface FitData {
  /** The whole dataset (read-only) and the indices of its train rows. */
  frame: Frame;
  rows: Int32Array;
  target: string;
  task: Task;
  /** Class labels by index (classification); [] for regression. */
  classes: string[];
  features: FeaturePipelineSpecInput;
  seed: number;
  /** Classification: sklearn's class_weight, applied to every fit (not to the metrics). */
  classWeight?: ClassWeight;
}

/** The train rows as a frame, and their target encoded (class indices, or numbers for regression). */
export function trainRowsOf(input: FitData): { train: Frame; y: Int32Array | Float64Array } {
  const train = takeRows(input.frame, input.rows);
  return { train, y: encodeTarget(train, input.target, input.task, input.classes) };
}

/** The class-weight options of `fitEstimator`, when the input has a class weight. */
export function classWeightOptions(input: FitData): { classWeight?: ClassWeight; classLabels?: string[] } {
  return input.classWeight !== undefined ? { classWeight: input.classWeight, classLabels: input.classes } : {};
}

/** Milliseconds as seconds, to the millisecond. */
export const seconds = (ms: number): number => Math.round(ms) / 1000;
