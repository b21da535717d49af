/** evaluate: score the trained model on the held-out test split. */
import { ApplicationFailure } from '@temporalio/common';
import type { TaskContext } from '../context';
import { readModel, readSplitRows, type ModelArtifact } from './artifacts';
import { encodeLabels, transformRows } from './lib/features';
import { predictProba, type SoftmaxModel } from './lib/logreg';
import { accuracy, argmaxRows, confusionMatrix, logLoss } from './lib/metrics';
import { f1 } from './lib/metrics-prf';
import type { StoreProvider } from './store';
import type { ArtifactRef, EvalMetrics } from './types';

export interface EvaluateInput {
  model: ArtifactRef;
  dataset: ArtifactRef;
  split: ArtifactRef;
}

/** The in-memory model of an artifact, checking its shapes agree. */
export function modelFromArtifact(a: ModelArtifact): SoftmaxModel {
  const d = a.featureNames.length;
  const k = a.classes.length;
  if (a.weights.length !== k || a.weights.some((w) => w.length !== d) || a.bias.length !== k) {
    throw ApplicationFailure.nonRetryable(`model '${a.modelName}' has weights that do not match ${k} classes × ${d} features`, 'InvalidArtifact');
  }
  return { numClasses: k, numFeatures: d, weights: Float64Array.from(a.weights.flat()), bias: Float64Array.from(a.bias) };
}

export function evaluateModel(store: StoreProvider) {
  return async (input: EvaluateInput, ctx: TaskContext): Promise<EvalMetrics> => {
    const s = store();
    const [artifact, { test }] = await Promise.all([readModel(s, input.model), readSplitRows(s, input.dataset, input.split)]);
    const model = modelFromArtifact(artifact);
    const k = artifact.classes.length;
    const proba = predictProba(model, transformRows(artifact.pipeline, test));
    const yTrue = encodeLabels(test, artifact.target, artifact.classes);
    const yPred = argmaxRows(proba, k);
    const metrics: EvalMetrics = {
      accuracy: accuracy(yTrue, yPred),
      macroF1: f1(yTrue, yPred, { average: 'macro', numClasses: k }),
      logLoss: logLoss(yTrue, proba, k),
      n: test.length,
      confusion: confusionMatrix(yTrue, yPred, k),
      classes: artifact.classes,
    };
    ctx.log.info('evaluated model', { accuracy: metrics.accuracy, macroF1: metrics.macroF1, logLoss: metrics.logLoss });
    return metrics;
  };
}
