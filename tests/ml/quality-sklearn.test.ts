/**
 * Issue 4's quality bar: on a real ≥ 100k-row dataset our gradient boosting and logistic regression
 * reach within 0.01 ROC-AUC of scikit-learn's HistGradientBoostingClassifier and LogisticRegression
 * (reference numbers: fixtures/flights-sklearn.json, from fixtures/gen_flights_reference.py), and
 * likewise on a 3-class target through the estimator layer (fixtures/flights-multiclass-sklearn.json,
 * from fixtures/gen_flights_multiclass.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitEstimator, predictEstimator, type Estimator, type Hyperparams } from '../../ml/estimators';
import type { Matrix } from '../../ml/frame/matrix';
import { evaluateClassification } from '../../ml/metrics/evaluation';
import { fitGbt, gbtProba, gbtRaw, type GbtOptions } from '../../ml/gbt/gradient-boosting';
import { fitLogistic, logisticProba } from '../../ml/linear/logistic';
import { binaryLogLoss } from '../../ml/metrics/classification';
import { rocAuc } from '../../ml/metrics/auc';
import { r2, rmse } from '../../ml/metrics/regression';
import { fitRidge, ridgePredict } from '../../ml/linear/ridge';
import { loadFlights, standardised, type FlightsSplit } from './flights-data';

interface Reference {
  trainRows: number;
  testRows: number;
  hist_gradient_boosting: { rocAuc: number; logLoss: number };
  hist_gradient_boosting_regularised: { rocAuc: number; logLoss: number };
  logistic_regression: { rocAuc: number; l2Equivalent: number; coef: number[]; intercept: number };
  hist_gradient_boosting_regressor: { rmse: number; r2: number };
  ridge: { params: { alpha: number }; coef: number[]; intercept: number; rmse: number; r2: number };
}

const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'flights-sklearn.json'), 'utf8')) as Reference;

describe('quality vs scikit-learn on flights-200k (delay > 15 min)', () => {
  let data: FlightsSplit;
  beforeAll(() => {
    data = loadFlights();
  });

  it('uses the same split as the reference', () => {
    expect(data.train.x.rows).toBe(ref.trainRows);
    expect(data.test.x.rows).toBe(ref.testRows);
  });

  /** Fits a binary GBT on the split; its test ROC-AUC must be within 0.01 of sklearn's, its log loss within 0.005. */
  function expectGbtLikeSklearn(label: string, options: Omit<GbtOptions, 'loss' | 'seed'>, want: Reference['hist_gradient_boosting']) {
    const m = fitGbt(data.train.x, data.train.y, { loss: 'log_loss', seed: 0, ...options });
    const p = gbtProba(m, data.test.x);
    const auc = rocAuc(data.test.y, p);
    console.log(`${label} AUC ${auc.toFixed(4)} vs sklearn ${want.rocAuc.toFixed(4)}`);
    expect(Math.abs(auc - want.rocAuc)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(binaryLogLoss(data.test.y, p) - want.logLoss)).toBeLessThanOrEqual(0.005);
  }

  it('gradient boosting: ROC-AUC within 0.01 of HistGradientBoostingClassifier', () => {
    const options = { maxIter: 100, learningRate: 0.1, maxLeafNodes: 31, minSamplesLeaf: 20 };
    expectGbtLikeSklearn('GBT', options, ref.hist_gradient_boosting);
  });

  it('gradient boosting, regularised (depth 3, L2 1, learning rate 0.2, 50 trees): within 0.01 ROC-AUC', () => {
    const options = { maxIter: 50, learningRate: 0.2, maxLeafNodes: 31, maxDepth: 3, minSamplesLeaf: 50, l2: 1 };
    expectGbtLikeSklearn('GBT (regularised)', options, ref.hist_gradient_boosting_regularised);
  });

  it('logistic regression: ROC-AUC within 0.01 of LogisticRegression, same coefficients', () => {
    const s = standardised(data);
    const fit = fitLogistic(s.train.x, s.train.y, 2, { l2: ref.logistic_regression.l2Equivalent });
    const p = logisticProba(fit.model, s.test.x).filter((_, k) => k % 2 === 1);
    const auc = rocAuc(s.test.y, p);
    console.log(`LR AUC ${auc.toFixed(4)} vs sklearn ${ref.logistic_regression.rocAuc.toFixed(4)}`);
    expect(Math.abs(auc - ref.logistic_regression.rocAuc)).toBeLessThanOrEqual(0.01);
    // Same objective, so the same optimum: coefficients agree closely.
    ref.logistic_regression.coef.forEach((c, j) => expect(Math.abs((fit.model.weights[j] as number) - c)).toBeLessThan(1e-3));
    expect(Math.abs((fit.model.intercepts[0] as number) - ref.logistic_regression.intercept)).toBeLessThan(1e-3);
  });

  it('gradient boosting regression (delay minutes): RMSE within 1% and R² within 0.01 of HistGradientBoostingRegressor', () => {
    const m = fitGbt(data.train.x, data.train.delay, {
      loss: 'squared_error',
      maxIter: 100,
      learningRate: 0.1,
      maxLeafNodes: 31,
      minSamplesLeaf: 20,
      seed: 0,
    });
    const pred = gbtRaw(m, data.test.x);
    const ours = { rmse: rmse(data.test.delay, pred), r2: r2(data.test.delay, pred) };
    console.log(
      `GBT regression RMSE ${ours.rmse.toFixed(3)} R² ${ours.r2.toFixed(4)} vs sklearn ${ref.hist_gradient_boosting_regressor.rmse.toFixed(3)} / ${ref.hist_gradient_boosting_regressor.r2.toFixed(4)}`,
    );
    expect(Math.abs(ours.rmse / ref.hist_gradient_boosting_regressor.rmse - 1)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ours.r2 - ref.hist_gradient_boosting_regressor.r2)).toBeLessThanOrEqual(0.01);
  });

  it('ridge regression equals sklearn Ridge (closed form on both sides)', () => {
    const s = standardised(data);
    const m = fitRidge(s.train.x, s.train.delay, ref.ridge.params.alpha);
    ref.ridge.coef.forEach((c, j) => expect(Math.abs((m.weights[j] as number) - c)).toBeLessThan(1e-8));
    expect(Math.abs(m.intercept - ref.ridge.intercept)).toBeLessThan(1e-8);
    const pred = ridgePredict(m, s.test.x);
    expect(Math.abs(rmse(s.test.delay, pred) - ref.ridge.rmse)).toBeLessThan(1e-8);
    expect(Math.abs(r2(s.test.delay, pred) - ref.ridge.r2)).toBeLessThan(1e-9);
  });
});

interface MulticlassScores {
  rocAucOvr: number;
  accuracy: number;
  logLoss: number;
}

interface MulticlassReference {
  trainRows: number;
  testRows: number;
  hist_gradient_boosting: MulticlassScores & { baseline: number[] };
  hist_gradient_boosting_early_stopping: MulticlassScores & { iterations: number; params: { max_iter: number } };
  logistic_regression: MulticlassScores & { coef: number[][]; intercept: number[] };
}

const mref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'flights-multiclass-sklearn.json'), 'utf8')) as MulticlassReference;

/** The 3-class target of gen_flights_multiclass.py: on time or early, minor delay (≤ 15 min), late. */
const bucket = (delay: Float64Array): Int32Array => Int32Array.from(delay, (d) => (d <= 0 ? 0 : d <= 15 ? 1 : 2));

describe('quality vs scikit-learn on flights-200k, 3 delay classes (estimator layer)', () => {
  let data: FlightsSplit;
  let yTrain: Int32Array;
  let yTest: Int32Array;
  const classes = ['on_time', 'minor', 'late'];
  beforeAll(() => {
    data = loadFlights();
    yTrain = bucket(data.train.delay);
    yTest = bucket(data.test.delay);
  });

  /** A 3-class GBT through the estimator layer, on the unscaled features (seed 0, as the reference). */
  const fitGbt3 = (hyperparams: Hyperparams) =>
    fitEstimator({ kind: 'gbt', task: 'multiclass', x: data.train.x, y: yTrain, numClasses: 3, hyperparams, seed: 0 });
  const evaluateOnTest = (est: Estimator, x: Matrix) =>
    evaluateClassification(yTest, predictEstimator(est, x).proba as Float64Array, 3, classes);

  it('uses the same split as the reference', () => {
    expect(data.train.x.rows).toBe(mref.trainRows);
    expect(data.test.x.rows).toBe(mref.testRows);
  });

  it('gradient boosting, 3 classes: macro OvR ROC-AUC and accuracy within 0.01 of HistGradientBoostingClassifier', async () => {
    const est = await fitGbt3({ maxIter: 100, learningRate: 0.1, maxLeafNodes: 31, minSamplesLeaf: 20 });
    const model = est.kind === 'gbt' ? est.model : undefined;
    if (model?.version !== 4) throw new Error('expected a multiclass gbt model');
    // Same intercept-only start as sklearn (symmetric multinomial logit of the class priors).
    mref.hist_gradient_boosting.baseline.forEach((b, k) => expect(Math.abs((model.baseline[k] as number) - b)).toBeLessThan(1e-9));
    const ev = evaluateOnTest(est, data.test.x);
    console.log(
      `GBT 3-class AUC ${ev.rocAuc?.toFixed(4)} acc ${ev.accuracy.toFixed(4)} vs sklearn ${mref.hist_gradient_boosting.rocAucOvr.toFixed(4)} / ${mref.hist_gradient_boosting.accuracy.toFixed(4)}`,
    );
    expect(Math.abs((ev.rocAuc as number) - mref.hist_gradient_boosting.rocAucOvr)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ev.accuracy - mref.hist_gradient_boosting.accuracy)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ev.logLoss - mref.hist_gradient_boosting.logLoss)).toBeLessThanOrEqual(0.005);
  });

  it('gradient boosting, 3 classes, early stopping: stops before max_iter like sklearn, within 0.01 ROC-AUC', async () => {
    const r = mref.hist_gradient_boosting_early_stopping;
    const est = await fitGbt3({ maxIter: 300, learningRate: 0.3, maxLeafNodes: 63, minSamplesLeaf: 5, earlyStopping: true });
    const ev = evaluateOnTest(est, data.test.x);
    console.log(
      `GBT 3-class early stopping: ${est.fitInfo.iterations} iterations, AUC ${ev.rocAuc?.toFixed(4)} vs sklearn ${r.iterations} / ${r.rocAucOvr.toFixed(4)}`,
    );
    expect(est.fitInfo.stoppedEarly).toBe(true);
    expect(est.fitInfo.iterations).toBeLessThan(r.params.max_iter);
    expect(Math.abs((ev.rocAuc as number) - r.rocAucOvr)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ev.accuracy - r.accuracy)).toBeLessThanOrEqual(0.01);
  });

  it('multinomial logistic regression (C = 1): ROC-AUC and accuracy within 0.01 of LogisticRegression, same coefficients', async () => {
    const s = standardised(data);
    const est = await fitEstimator({
      kind: 'logistic_regression',
      task: 'multiclass',
      x: s.train.x,
      y: yTrain,
      numClasses: 3,
      hyperparams: { C: 1 },
    });
    if (est.kind !== 'logistic_regression') throw new Error('expected a logistic model');
    const ev = evaluateOnTest(est, s.test.x);
    console.log(
      `LR 3-class AUC ${ev.rocAuc?.toFixed(4)} acc ${ev.accuracy.toFixed(4)} vs sklearn ${mref.logistic_regression.rocAucOvr.toFixed(4)} / ${mref.logistic_regression.accuracy.toFixed(4)}`,
    );
    expect(Math.abs((ev.rocAuc as number) - mref.logistic_regression.rocAucOvr)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ev.accuracy - mref.logistic_regression.accuracy)).toBeLessThanOrEqual(0.01);
    // Same objective (sklearn's symmetric multinomial, l2 = 1 / (C · rows)), so the same optimum.
    mref.logistic_regression.coef.forEach((row, k) =>
      row.forEach((c, j) => expect(Math.abs((est.model.weights[k * 2 + j] as number) - c)).toBeLessThan(1e-3)),
    );
    mref.logistic_regression.intercept.forEach((b, k) => expect(Math.abs((est.model.intercepts[k] as number) - b)).toBeLessThan(1e-3));
  });
});
