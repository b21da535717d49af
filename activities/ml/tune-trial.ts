/**
 * tune: one instance per trial of the declared search (grid or random); scores it by k-fold
 * cross-validation on the train split. The feature pipeline is refitted on each fold's training
 * part, so nothing of a held-out fold leaks into the model scored on it. Heartbeats per fold
 * and per boosting iteration; a cancelled trial stops at the next one.
 */
import { locateError } from '../../core/errors';
import type { TaskContext } from '../context';
import { crossValidate, foldsFor } from '../../ml/model-selection/cross-validation';
import { fitEstimator } from '../../ml/estimators';
import type { MetricName } from '../../ml/metrics/evaluation';
import { fitTransformFeatures, transformFeatures } from '../../ml/features';
import { takeRows } from '../../ml/frame/frame';
import type { TrialConfig } from '../../mlops/search-space';
import { encodeTarget } from './model-artifact';
import { heartbeater } from './progress';
import type { StoreProvider } from './store';
import { readSplitFrames, type TrainingInputs } from './training-data';

export interface TuneTrialInput extends TrainingInputs {
  trial: TrialConfig;
  folds: number;
}

export interface TrialResult {
  index: number;
  kind: string;
  hyperparams: Record<string, number | string | boolean>;
  metric: MetricName;
  /** Cross-validated mean and population std of `metric`, and its value per fold. */
  mean: number;
  std: number;
  perFold: number[];
  /** The mean of every other metric of the task. */
  allMetrics: Record<string, number>;
}

export function tuneTrial(store: StoreProvider) {
  return async (input: TuneTrialInput, ctx: TaskContext): Promise<TrialResult> => {
    const { train } = await readSplitFrames(store(ctx), input.dataset, input.split);
    const beat = heartbeater(ctx);
    try {
      const y = encodeTarget(train, input.target, input.task, input.classes);
      const cv = await crossValidate({
        rows: train.rows,
        folds: foldsFor(input.task, y, input.folds, input.seed),
        task: input.task,
        metric: input.metric,
        classes: input.classes,
        prepare: (trainIdx, heldIdx) => {
          const fit = fitTransformFeatures(takeRows(train, trainIdx), input.features);
          const held = transformFeatures(fit.fitted, takeRows(train, heldIdx));
          const pick = (idx: Int32Array) =>
            y instanceof Int32Array ? Int32Array.from(idx, (i) => y[i] as number) : Float64Array.from(idx, (i) => y[i] as number);
          return { xTrain: fit.matrix, yTrain: pick(trainIdx), xHeld: held.matrix, yHeld: pick(heldIdx) };
        },
        fit: (x, yy, fold) =>
          fitEstimator({
            kind: input.trial.kind,
            task: input.task,
            x,
            y: yy,
            numClasses: input.classes.length,
            hyperparams: input.trial.hyperparams,
            seed: input.seed,
            signal: ctx.signal,
            onProgress: (p) => beat({ fold, iteration: p.iteration }),
          }),
        onFold: (done, of) => beat({ foldsDone: done, of }),
        signal: ctx.signal,
      });
      const allMetrics = Object.fromEntries(Object.entries(cv.allMetrics).map(([k, v]) => [k, v.mean]));
      ctx.log.info('trial scored', { index: input.trial.index, kind: input.trial.kind, [input.metric]: cv.mean });
      return {
        index: input.trial.index,
        kind: input.trial.kind,
        hyperparams: input.trial.hyperparams,
        metric: cv.metric,
        mean: cv.mean,
        std: cv.std,
        perFold: cv.perFold,
        allMetrics,
      };
    } catch (err) {
      throw locateError(err, `trial ${input.trial.index} (${input.trial.kind})`);
    }
  };
}
