/**
 * split's computation (../../split-data.ts): the labelled rows, the learning task, the train and
 * test row indices and their class counts, and the split artifact as JSON bytes, all O(rows).
 * Errors are InputErrors with the failure type (a non-retryable failure of that type when thrown in a thread) that names the problem ('InvalidSplit', …).
 */
import { InputError, type FailureTypeName } from '../../../../core/errors';
import { categoryAt, getColumn, getNumericColumn, isMissingAt, type Frame, type FrameColumn } from '../../../../ml/frame/frame';
import { randomSplit, stratifiedSplit, timeSplit } from '../../../../ml/model-selection/split';
import type { SplitArtifact } from '../../split-artifact';

export type LearningTask = 'binary' | 'multiclass' | 'regression';
export type SplitStrategy = 'random' | 'stratified' | 'time';

/** How to split (split's params, ../../split-data.ts). */
export interface SplitParams {
  target: string;
  task: LearningTask | 'auto';
  strategy: SplitStrategy;
  testFraction: number;
  seed: number;
  /** For strategy 'time': the timestamp column. */
  timeColumn?: string;
}

/** What the split found (split's output, without the artifact's reference). */
export interface SplitSummary {
  strategy: SplitStrategy;
  task: LearningTask;
  /** Classification: the class labels, sorted (index = encoded label; binary positive class = classes[1]). */
  classes: string[];
  trainRows: number;
  testRows: number;
  /** Rows left out because their target is missing. */
  missingTarget: number;
  trainClassCounts?: Record<string, number>;
  testClassCounts?: Record<string, number>;
  /** Time split: the last training and first test timestamps, and the cutoff between them (given, or the first test time). */
  boundary?: { lastTrain: string; firstTest: string; cutoff: string };
}

export interface SplitDatasetInput extends SplitParams {
  frame: Frame;
  /** The dataset's uri, recorded in the artifact. */
  dataset: string;
  /** For strategy 'time': the cutoff as given and as epoch ms (resolved against the run's interval by the activity). */
  cutoff?: { text: string; ms: number };
}

export interface SplitDatasetOutput extends SplitSummary {
  /** The split artifact (tideflow.split), serialized as JSON. */
  artifact: Uint8Array;
}

const bad = (message: string, type: FailureTypeName): InputError => new InputError(message, { type });

/** `regression`: asked for, or 'auto' with a number target; otherwise classification over `classes`. */
function decideTask(regression: boolean, col: FrameColumn, input: Pick<SplitParams, 'target' | 'task'>, classes: string[]): LearningTask {
  if (regression) {
    if (col.type !== 'number') throw bad(`target '${input.target}' holds ${col.type} values: regression needs numbers`, 'InvalidTarget');
    return 'regression';
  }
  if (classes.length < 2) {
    throw bad(
      `target '${input.target}' has ${classes.length === 0 ? 'no values' : `a single class '${classes[0]}'`}: a classifier needs at least 2 classes`,
      'TooFewClasses',
    );
  }
  if (input.task === 'binary' && classes.length !== 2)
    throw bad(
      `task 'binary' but target '${input.target}' has ${classes.length} classes: ${classes.slice(0, 10).join(', ')}`,
      'InvalidTarget',
    );
  return input.task === 'auto' ? (classes.length === 2 ? 'binary' : 'multiclass') : input.task;
}

const countsOf = (labels: readonly string[], idx: readonly number[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of idx) out[labels[i] as string] = (out[labels[i] as string] ?? 0) + 1;
  return out;
};

export function splitDataset(input: SplitDatasetInput, progress: (details: unknown) => void): SplitDatasetOutput {
  const { frame } = input;
  progress({ phase: 'split', rows: frame.rows });
  let target;
  try {
    target = getColumn(frame, input.target);
  } catch (err) {
    throw bad(`target: ${(err as Error).message}`, 'MissingColumn');
  }
  const labelled: number[] = [];
  for (let i = 0; i < frame.rows; i++) if (!isMissingAt(target, i)) labelled.push(i);
  const regression = input.task === 'regression' || (input.task === 'auto' && target.type === 'number');
  const labelsAll = regression ? [] : Array.from({ length: frame.rows }, (_, i) => categoryAt(target, i) ?? '');
  const classes = regression ? [] : [...new Set(labelled.map((i) => labelsAll[i] as string))].sort();
  const task = decideTask(regression, target, input, classes);
  if (labelled.length < 2) throw bad(`only ${labelled.length} row(s) have a '${input.target}' value: nothing to split`, 'TooFewRows');
  if (task === 'regression' && target.type !== 'string') {
    // ±Infinity is not missing, so it would reach every trial and fail each one: refuse it once, here.
    const at = labelled.find((i) => !Number.isFinite(target.values[i] as number));
    if (at !== undefined)
      throw bad(`target '${input.target}' is ${target.values[at]} at row ${at}: regression needs finite targets`, 'InvalidTarget');
  }

  let local: { train: number[]; test: number[] };
  let boundary: SplitSummary['boundary'];
  try {
    if (input.strategy === 'time') {
      if (!input.timeColumn) throw new InputError("strategy 'time' needs a timeColumn");
      const times = getNumericColumn(frame, input.timeColumn);
      if (times.type !== 'timestamp') throw new InputError(`time column '${input.timeColumn}' holds ${times.type} values, not timestamps`);
      const ts = Float64Array.from(labelled, (i) => times.values[i] as number);
      const byTime = timeSplit(ts, {
        ...(input.cutoff !== undefined ? { cutoff: input.cutoff.ms } : { testFraction: input.testFraction }),
        column: input.timeColumn,
        missing: 'error',
      });
      let last = -Infinity;
      let first = Infinity;
      for (const j of byTime.train) last = Math.max(last, ts[j] as number);
      for (const j of byTime.test) first = Math.min(first, ts[j] as number);
      const iso = (ms: number) => new Date(ms).toISOString();
      boundary = { lastTrain: iso(last), firstTest: iso(first), cutoff: iso(byTime.cutoff) };
      local = byTime;
    } else if (input.strategy === 'stratified') {
      if (task === 'regression')
        throw new InputError("strategy 'stratified' needs a classification target; use 'random' or 'time' for regression");
      const labels = labelled.map((i) => labelsAll[i] as string);
      const small = Object.entries(
        countsOf(
          labels,
          labels.map((_, j) => j),
        ),
      ).filter(([, n]) => n < 2);
      if (small.length > 0)
        throw new InputError(`cannot stratify: class(es) ${small.map(([c]) => `'${c}'`).join(', ')} have fewer than 2 rows`);
      local = stratifiedSplit(labels, input.testFraction, input.seed);
    } else {
      local = randomSplit(labelled.length, input.testFraction, input.seed);
    }
  } catch (err) {
    if (err instanceof InputError) throw bad(`split: ${err.message}`, 'InvalidSplit');
    throw err;
  }
  const train = local.train.map((j) => labelled[j] as number).sort((a, b) => a - b);
  const test = local.test.map((j) => labelled[j] as number).sort((a, b) => a - b);
  if (train.length === 0 || test.length === 0)
    throw bad(`split left ${train.length} train and ${test.length} test rows: need both`, 'InvalidSplit');
  if (task !== 'regression') {
    // Two classes overall, but one of them only in the test rows: every trial would fail with "a single class".
    const inTrain = new Set(train.map((i) => labelsAll[i] as string));
    if (inTrain.size < 2) {
      const only = [...inTrain][0] ?? '';
      const rest = classes.filter((c) => c !== only).map((c) => `'${c}'`);
      throw bad(
        `split '${input.strategy}' left a single class '${only}' of target '${input.target}' in the ${train.length} train rows (${rest.length === 1 ? 'class' : 'classes'} ${rest.join(', ')} ${rest.length === 1 ? 'is' : 'are'} only in the test rows): a classifier needs at least 2 classes to learn`,
        'TooFewClasses',
      );
    }
  }
  const artifact: SplitArtifact = {
    format: 'tideflow.split',
    version: 2,
    dataset: input.dataset,
    strategy: input.strategy,
    seed: input.seed,
    testFraction: input.testFraction,
    ...(boundary && input.cutoff !== undefined && { cutoff: boundary.cutoff }),
    train,
    test,
  };
  return {
    artifact: new TextEncoder().encode(JSON.stringify(artifact)),
    strategy: input.strategy,
    task,
    classes,
    trainRows: train.length,
    testRows: test.length,
    missingTarget: frame.rows - labelled.length,
    ...(task !== 'regression' && { trainClassCounts: countsOf(labelsAll, train), testClassCounts: countsOf(labelsAll, test) }),
    ...(boundary && { boundary }),
  };
}
