/**
 * What the evaluate step adds for the run report, where the model and the test frame are at hand:
 * the model's own feature importances (split gain for GBT, |coefficient| × std for linear models),
 * permutation importance on (a seeded sample of) the test rows, and — for binary models —
 * precision/recall/F1 by threshold. Pure computations from ml/metrics; this file only wires the
 * loaded model to them. Extras: a failure here is logged by the caller and never fails evaluation.
 */
import { columnStd, gbtGainImportance, linearCoefficientImportance, type ModelImportance } from '../../ml/metrics/importance';
import { rocAuc } from '../../ml/metrics/auc';
import { accuracy, argmaxRows, probaColumn } from '../../ml/metrics/classification';
import { r2 } from '../../ml/metrics/regression';
import { permutationImportance } from '../../ml/metrics/permutation-importance';
import { bestF1, downsampleThresholdCurve, thresholdCurve, thresholdTable } from '../../ml/metrics/threshold-curve';
import { transformFeatures } from '../../ml/features';
import type { Frame } from '../../ml/frame/frame';
import type { ReportImportance, ReportThresholds } from '../../ml/report';
import { encodeTarget, predictFrame, type LoadedModel, type Prediction } from './model-artifact';

/** Permutation importance settings: sklearn's n_repeats default, a bounded sample of test rows. */
export const PERMUTATION = { nRepeats: 5, maxSamples: 20_000, seed: 0 } as const;
/** The most features an output lists (one-hot pipelines can make hundreds). */
export const MAX_LISTED_FEATURES = 50;

export interface ReportInsights {
  importance?: ReportImportance;
  thresholds?: ReportThresholds;
}

function modelImportance(model: LoadedModel, test: Frame): ModelImportance {
  const e = model.estimator;
  if (e.kind === 'gbt') return gbtGainImportance(e.model);
  const std = columnStd(transformFeatures(model.pipeline, test).matrix);
  return linearCoefficientImportance(e.model.weights, e.numFeatures, std);
}

const topFeatures = (names: readonly string[], values: ArrayLike<number>): { name: string; value: number }[] =>
  names
    .map((name, j) => ({ name, value: values[j] as number }))
    .sort((a, b) => b.value - a.value)
    .slice(0, MAX_LISTED_FEATURES);

/** The score permutation importance measures drops of: ROC AUC (binary), accuracy (multiclass), R² (regression). */
function mainScore(model: LoadedModel, posIndex: number): { metric: string; score: (f: Frame) => number } {
  const a = model.artifact;
  const target = (f: Frame): Int32Array | Float64Array => encodeTarget(f, a.target, a.task, a.classes);
  if (a.task === 'regression') return { metric: 'r2', score: (f) => r2(target(f), predictFrame(model, f).values) };
  const k = a.classes.length;
  if (a.task === 'binary')
    return {
      metric: 'roc_auc',
      score: (f) => {
        const y = target(f);
        return rocAuc(
          Int32Array.from(y, (v) => (v === posIndex ? 1 : 0)),
          probaColumn(predictFrame(model, f).proba!, k, posIndex),
        );
      },
    };
  return { metric: 'accuracy', score: (f) => accuracy(target(f), argmaxRows(predictFrame(model, f).proba!, k)) };
}

/** `pred`: the model's predictions on `test` when the caller already has them (evaluate does). */
export function reportInsights(
  model: LoadedModel,
  test: Frame,
  positiveClass: string | undefined,
  pred: Prediction = predictFrame(model, test),
): ReportInsights {
  const a = model.artifact;
  const posIndex = positiveClass === undefined ? 1 : a.classes.indexOf(positiveClass);
  const own = modelImportance(model, test);
  const { metric, score } = mainScore(model, posIndex);
  const perm = permutationImportance(test, { columns: model.pipeline.inputs.map((c) => c.name), score, ...PERMUTATION });
  const importance: ReportImportance = {
    model: { method: own.method, features: topFeatures(model.pipeline.featureNames, own.values) },
    permutation: {
      metric,
      nRepeats: perm.nRepeats,
      rows: perm.rows,
      seed: PERMUTATION.seed,
      features: perm.features
        .map((f) => ({ name: f.name, value: f.mean, std: f.std }))
        .sort((x, y) => y.value - x.value)
        .slice(0, MAX_LISTED_FEATURES),
    },
  };
  if (a.task !== 'binary' || posIndex < 0) return { importance };
  const y = Int32Array.from(encodeTarget(test, a.target, a.task, a.classes), (v) => (v === posIndex ? 1 : 0));
  const p = probaColumn(pred.proba!, a.classes.length, posIndex);
  const curve = thresholdCurve(y, p);
  const best = bestF1(curve);
  const table = thresholdTable(
    y,
    p,
    best ? [...new Set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, best.threshold])].sort((x, y) => x - y) : undefined,
  );
  return {
    importance,
    thresholds: {
      positiveClass: a.classes[posIndex] as string,
      curve: downsampleThresholdCurve(curve).map(({ threshold, precision, recall, f1 }) => ({ threshold, precision, recall, f1 })),
      table,
    },
  };
}
