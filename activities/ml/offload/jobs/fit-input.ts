/**
 * What train_best's fit (./train.ts) and tune's cross-validation (./tune.ts) both receive in
 * their worker thread, and the steps they begin with: the train rows and their encoded target.
 */
import type { ClassWeight, Task } from '../../../../ml/estimators';
import { parseFeatureSpec, type FeaturePipelineSpecInput } from '../../../../ml/features';
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

/**
 * The columns a fit reads: the feature pipeline's inputs and the target, when the frame has them
 * all (otherwise every column, so the pipeline's error lists what the frame does have). Copying
 * only these for the train rows (and again per fold) matters at 1.5M rows: each column copied is
 * 12 MB of fresh memory, whose first touch costs ~50 ms of page faults on this kind of machine.
 */
function fitColumns(input: FitData): Frame {
  let features: readonly string[];
  try {
    features = parseFeatureSpec(input.features).features;
  } catch {
    return input.frame; // the pipeline reports a bad spec itself
  }
  const wanted = new Set([...features, input.target]);
  const columns = input.frame.columns.filter((c) => wanted.has(c.name));
  return columns.length === wanted.size ? { rows: input.frame.rows, columns } : input.frame;
}

/** The train rows as a frame (the columns the fit reads), and their target encoded (class indices, or numbers for regression). */
export function trainRowsOf(input: FitData): { train: Frame; y: Int32Array | Float64Array } {
  const train = takeRows(fitColumns(input), input.rows);
  return { train, y: encodeTarget(train, input.target, input.task, input.classes) };
}

/** The class-weight options of `fitEstimator`, when the input has a class weight. */
export function classWeightOptions(input: FitData): { classWeight?: ClassWeight; classLabels?: string[] } {
  return input.classWeight !== undefined ? { classWeight: input.classWeight, classLabels: input.classes } : {};
}

/** Milliseconds as seconds, to the millisecond. */
export const seconds = (ms: number): number => Math.round(ms) / 1000;
