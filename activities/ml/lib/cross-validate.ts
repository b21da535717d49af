/**
 * Stratified k-fold cross-validation of one hyperparameter candidate. The feature pipeline is
 * refitted on each fold's training part, so no statistic of a held-out fold leaks into the
 * model that is scored on it.
 */
import type { FeatureSpec, Row, TrialConfig } from '../types';
import { encodeLabels, fitPipeline, transformRows } from './features';
import { predictProba, trainSoftmaxAsync } from './logreg';
import { accuracy, argmaxRows, logLoss } from './metrics';
import { stratifiedFolds } from './split';

export interface CrossValidateInput {
  rows: readonly Row[];
  target: string;
  features: FeatureSpec;
  classes: readonly string[];
  config: TrialConfig;
  folds: number;
  seed: number;
  /** Called after every gradient step of every fold; throw to abort. */
  onProgress?: (fold: number, epoch: number) => void;
}

export interface CrossValidateResult {
  cvAccuracy: number;
  cvLogLoss: number;
  foldAccuracies: number[];
  foldLogLosses: number[];
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export async function crossValidate(input: CrossValidateInput): Promise<CrossValidateResult> {
  const { rows, target, classes, config } = input;
  const fold = stratifiedFolds(rows.map((r) => String(r[target])), input.folds, input.seed);
  const foldAccuracies: number[] = [];
  const foldLogLosses: number[] = [];
  for (let f = 0; f < input.folds; f++) {
    const fit = rows.filter((_, i) => fold[i] !== f);
    const held = rows.filter((_, i) => fold[i] === f);
    const pipeline = fitPipeline(fit, input.features);
    const { model } = await trainSoftmaxAsync(transformRows(pipeline, fit), encodeLabels(fit, target, classes), classes.length, {
      l2: config.l2,
      learningRate: config.learningRate,
      epochs: config.epochs,
      seed: input.seed,
      onEpoch: (epoch) => input.onProgress?.(f, epoch),
    });
    const proba = predictProba(model, transformRows(pipeline, held));
    const yHeld = encodeLabels(held, target, classes);
    foldAccuracies.push(accuracy(yHeld, argmaxRows(proba, classes.length)));
    foldLogLosses.push(logLoss(yHeld, proba, classes.length));
  }
  return { cvAccuracy: mean(foldAccuracies), cvLogLoss: mean(foldLogLosses), foldAccuracies, foldLogLosses };
}
