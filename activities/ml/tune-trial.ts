/**
 * tune: one instance per trial of the declared search (grid or random); scores it by k-fold
 * cross-validation on the train split, or with `folds: 0` on one holdout part of it
 * (`validationFraction`, stratified for classification; ml/model-selection/holdout.ts). The feature pipeline is refitted on each fold's training
 * part, so nothing of a held-out fold leaks into the model scored on it. The computation runs in
 * a worker thread (offload/jobs/tune.ts); heartbeats flow every second with the latest fold and
 * iteration, and a cancelled trial's thread is terminated at once.
 */
import { locateError } from '../../core/errors';
import type { TaskContext } from '../context';
import type { MetricName } from '../../ml/metrics/evaluation';
import type { TrialConfig } from '../../mlops/search-space';
import { heartbeating, offloadForTask, READING } from './offload/task';
import type { StoreProvider } from './store';
import { fitDataOf, readSplitRows, type TrainingInputs } from './training-data';

export interface TuneTrialInput extends TrainingInputs {
  trial: TrialConfig;
  /** k ≥ 2: k-fold cross-validation; 0: one holdout split of `validationFraction` of the train rows. */
  folds: number;
  /** With folds 0: the share of the train rows held out (default 0.2). */
  validationFraction?: number;
}

export interface TrialResult {
  index: number;
  kind: string;
  hyperparams: Record<string, number | string | boolean>;
  /** The named feature pipeline it was scored with (absent: the `features` param's). */
  pipeline?: string;
  metric: MetricName;
  /** How it was scored: k-fold cross-validation or one holdout split (then std is 0 and perFold has one value). */
  validation?: { kind: 'kfold'; folds: number } | { kind: 'holdout'; fraction: number; rows: number };
  /** Cross-validated mean and population std of `metric`, and its value per fold. */
  mean: number;
  std: number;
  perFold: number[];
  /** The mean of every other metric of the task. */
  allMetrics: Record<string, number>;
  /** Seconds in the trial's worker thread, summed over folds (feature transform, fits, total). */
  timing?: { transformSeconds: number; fitSeconds: number; totalSeconds: number };
}

export function tuneTrial(store: StoreProvider) {
  return async (input: TuneTrialInput, ctx: TaskContext): Promise<TrialResult> => {
    const { frame, train } = await heartbeating(ctx, READING, () => readSplitRows(store(ctx), input.dataset, input.split));
    try {
      // The folds' feature fits and estimator fits run in a worker thread (./offload): this
      // event loop stays free to heartbeat, answer queries and see a cancellation.
      const cv = await offloadForTask(
        ctx,
        'crossValidateTrial',
        {
          ...fitDataOf(input, frame, train, input.trial.pipeline),
          trial: input.trial,
          folds: input.folds,
          ...(input.validationFraction !== undefined && { validationFraction: input.validationFraction }),
          metric: input.metric,
        },
        { transfer: [train.buffer as ArrayBuffer] },
      );
      const allMetrics = Object.fromEntries(Object.entries(cv.allMetrics).map(([k, v]) => [k, v.mean]));
      ctx.log.info('trial scored', { index: input.trial.index, kind: input.trial.kind, [input.metric]: cv.mean });
      return {
        index: input.trial.index,
        kind: input.trial.kind,
        hyperparams: input.trial.hyperparams,
        ...(input.trial.pipeline !== undefined && { pipeline: input.trial.pipeline }),
        metric: cv.metric,
        validation:
          cv.validationRows !== undefined
            ? { kind: 'holdout', fraction: input.validationFraction ?? 0.2, rows: cv.validationRows }
            : { kind: 'kfold', folds: input.folds },
        mean: cv.mean,
        std: cv.std,
        perFold: cv.perFold,
        allMetrics,
        timing: cv.timing,
      };
    } catch (err) {
      throw locateError(err, `trial ${input.trial.index} (${input.trial.kind})`);
    }
  };
}
