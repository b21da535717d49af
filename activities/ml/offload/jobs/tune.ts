/** tune's computation: k-fold cross-validation of one trial on the train rows, the pipeline refitted per fold. */
import { fitEstimator } from '../../../../ml/estimators';
import { fitTransformFeatures, transformFeatures } from '../../../../ml/features';
import { takeRows } from '../../../../ml/frame/frame';
import type { MetricName } from '../../../../ml/metrics/evaluation';
import { crossValidate, foldsFor, type CrossValidateResult } from '../../../../ml/model-selection/cross-validation';
import { HOLDOUT_VALIDATION_FOLD, holdoutFolds } from '../../../../ml/model-selection/holdout';
import type { TrialConfig } from '../../../../mlops/search-space';
import { classWeightOptions, seconds, trainRowsOf, type FitData } from './fit-input';

export interface CrossValidateTrialInput extends FitData {
  trial: TrialConfig;
  /** k ≥ 2: k-fold cross-validation; 0: one holdout of `validationFraction` of the rows (ml/model-selection/holdout.ts). */
  folds: number;
  validationFraction?: number;
  metric: MetricName;
}

/** Seconds spent, summed over folds: feature pipeline fit + transform, estimator fits, and the rest (scoring). */
export interface TrialTiming {
  transformSeconds: number;
  fitSeconds: number;
  totalSeconds: number;
}

export async function crossValidateTrial(
  input: CrossValidateTrialInput,
  progress: (details: unknown) => void,
): Promise<CrossValidateResult & { validationRows?: number; timing: TrialTiming }> {
  const started = performance.now();
  let transformMs = 0;
  let fitMs = 0;
  const { train, y } = trainRowsOf(input);
  const holdout = input.folds === 0;
  const folds = holdout
    ? holdoutFolds(input.task, y, input.validationFraction ?? 0.2, input.seed)
    : foldsFor(input.task, y, input.folds, input.seed);
  const cv = await crossValidate({
    rows: train.rows,
    folds,
    ...(holdout && { heldOut: [HOLDOUT_VALIDATION_FOLD] }),
    task: input.task,
    metric: input.metric,
    classes: input.classes,
    prepare: (trainIdx, heldIdx, fold) => {
      progress({ fold, phase: 'features' });
      const t = performance.now();
      const fit = fitTransformFeatures(takeRows(train, trainIdx), input.features);
      const held = transformFeatures(fit.fitted, takeRows(train, heldIdx));
      const pick = (idx: Int32Array) =>
        y instanceof Int32Array ? Int32Array.from(idx, (i) => y[i] as number) : Float64Array.from(idx, (i) => y[i] as number);
      const data = { xTrain: fit.matrix, yTrain: pick(trainIdx), xHeld: held.matrix, yHeld: pick(heldIdx) };
      transformMs += performance.now() - t;
      return data;
    },
    fit: async (x, yy, fold) => {
      const t = performance.now();
      const est = await fitEstimator({
        kind: input.trial.kind,
        task: input.task,
        x,
        y: yy,
        numClasses: input.classes.length,
        hyperparams: input.trial.hyperparams,
        seed: input.seed,
        ...classWeightOptions(input),
        onProgress: (p) => progress({ fold, iteration: p.iteration }),
      });
      fitMs += performance.now() - t;
      return est;
    },
    onFold: (done, of) => progress({ foldsDone: done, of }),
  });
  const timing = { transformSeconds: seconds(transformMs), fitSeconds: seconds(fitMs), totalSeconds: seconds(performance.now() - started) };
  return holdout ? { ...cv, validationRows: folds.filter((f) => f === HOLDOUT_VALIDATION_FOLD).length, timing } : { ...cv, timing };
}
