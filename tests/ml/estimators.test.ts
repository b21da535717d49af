/**
 * The uniform estimator layer: every kind × task it supports fits and predicts through one
 * interface with the same numbers as the trainer called directly; hyperparameters are validated
 * by name and range; mismatches, bad labels and bad features are refused by name; the JSON
 * envelope round-trips and refuses other formats/versions; progress and cancellation work.
 */
import { describe, expect, it } from 'vitest';
import {
  estimatorFromJson,
  estimatorToJson,
  EstimatorInputError,
  fitEstimator,
  predictEstimator,
  validateHyperparams,
  type Estimator,
  type FitEstimatorInput,
} from '../../ml/estimators';
import { fitGbt, gbtProba, gbtRaw, gbtToJson } from '../../ml/gbt/gradient-boosting';
import { fitLogistic, logisticProba } from '../../ml/linear/logistic';
import type { Matrix } from '../../ml/frame/matrix';
import { fitRidge, ridgePredict } from '../../ml/linear/ridge';
import { createRng } from '../../ml/stats/random';

function data(n: number, seed: number): { x: Matrix; bin: Int32Array; multi: Int32Array; reg: Float64Array } {
  const r = createRng(seed);
  const x: Matrix = { data: Float64Array.from({ length: n * 3 }, () => r() * 2 - 1), rows: n, cols: 3 };
  const f = (i: number, j: number): number => x.data[i * 3 + j] as number;
  return {
    x,
    bin: Int32Array.from({ length: n }, (_, i) => (f(i, 0) + 0.5 * f(i, 1) + 0.3 * (r() - 0.5) > 0 ? 1 : 0)),
    multi: Int32Array.from({ length: n }, (_, i) => (f(i, 0) > 0.3 ? 2 : f(i, 1) > 0 ? 1 : 0)),
    reg: Float64Array.from({ length: n }, (_, i) => 3 * f(i, 0) - 2 * f(i, 2) + 0.1 * r()),
  };
}

const d = data(2000, 1);

const rowSums = (p: Float64Array, k: number): number[] =>
  Array.from({ length: p.length / k }, (_, i) => p.subarray(i * k, (i + 1) * k).reduce((s, v) => s + v, 0));

describe('fitEstimator / predictEstimator', () => {
  it('logistic regression, binary: the trainer with l2 = 1/(C·rows), probabilities and argmax classes', async () => {
    const est = await fitEstimator({ kind: 'logistic_regression', task: 'binary', x: d.x, y: d.bin, numClasses: 2, hyperparams: { C: 2 } });
    expect(est.hyperparams).toEqual({ C: 2, maxIter: 200, tol: 1e-6 });
    const direct = fitLogistic(d.x, d.bin, 2, { l2: 1 / (2 * 2000) });
    const pred = predictEstimator(est, d.x);
    expect(Array.from(pred.proba ?? [])).toEqual(Array.from(logisticProba(direct.model, d.x)));
    expect(Array.from(pred.values.slice(0, 20))).toEqual(
      Array.from({ length: 20 }, (_, i) => ((pred.proba?.[2 * i + 1] as number) > 0.5 ? 1 : 0)),
    );
    expect(est.fitInfo).toEqual({ iterations: direct.iterations, converged: true });
  });

  it('logistic regression, multiclass (default C = 1) and l2 given directly', async () => {
    const est = await fitEstimator({ kind: 'logistic_regression', task: 'multiclass', x: d.x, y: d.multi, numClasses: 3 });
    expect(est.hyperparams['C']).toBe(1);
    const p = predictEstimator(est, d.x).proba as Float64Array;
    expect(p.length).toBe(6000);
    for (const s of rowSums(p, 3)) expect(s).toBeCloseTo(1, 12);
    const withL2 = await fitEstimator({
      kind: 'logistic_regression',
      task: 'multiclass',
      x: d.x,
      y: d.multi,
      numClasses: 3,
      hyperparams: { l2: 1 / 2000 },
    });
    expect(Array.from(predictEstimator(withL2, d.x).proba ?? [])).toEqual(Array.from(p));
  });

  it('linear regression: ridge with alpha (default 1)', async () => {
    const est = await fitEstimator({ kind: 'linear_regression', task: 'regression', x: d.x, y: d.reg });
    expect(est.hyperparams).toEqual({ alpha: 1 });
    expect(est.numClasses).toBe(0);
    const pred = predictEstimator(est, d.x);
    expect(pred.proba).toBeUndefined();
    expect(Array.from(pred.values)).toEqual(Array.from(ridgePredict(fitRidge(d.x, d.reg, 1), d.x)));
  });

  it('gbt, all three tasks: the trainer with the declared hyperparameters and defaults', async () => {
    const hp = { maxIter: 15, maxLeafNodes: 8, learningRate: 0.3 };
    const bin = await fitEstimator({ kind: 'gbt', task: 'binary', x: d.x, y: d.bin, numClasses: 2, hyperparams: hp, seed: 3 });
    expect(bin.hyperparams).toEqual({
      learningRate: 0.3,
      maxIter: 15,
      maxLeafNodes: 8,
      minSamplesLeaf: 20,
      l2: 0,
      maxBins: 255,
      earlyStopping: false,
      validationFraction: 0.1,
      nIterNoChange: 10,
      tol: 1e-7,
    });
    const direct = fitGbt(d.x, d.bin, { loss: 'log_loss', ...hp, seed: 3 });
    expect(bin.kind === 'gbt' && gbtToJson(bin.model)).toBe(gbtToJson(direct));
    expect(Array.from((predictEstimator(bin, d.x).proba as Float64Array).filter((_, k) => k % 2 === 1))).toEqual(
      Array.from(gbtProba(direct, d.x)),
    );
    const reg = await fitEstimator({ kind: 'gbt', task: 'regression', x: d.x, y: d.reg, hyperparams: { ...hp, maxDepth: 3 } });
    expect(Array.from(predictEstimator(reg, d.x).values)).toEqual(
      Array.from(gbtRaw(fitGbt(d.x, d.reg, { loss: 'squared_error', ...hp, maxDepth: 3 }), d.x)),
    );
    const multi = await fitEstimator({ kind: 'gbt', task: 'multiclass', x: d.x, y: d.multi, numClasses: 3, hyperparams: hp });
    const pred = predictEstimator(multi, d.x);
    expect(multi.kind === 'gbt' && multi.model.version).toBe(4);
    let hits = 0;
    pred.values.forEach((v, i) => (hits += v === d.multi[i] ? 1 : 0));
    expect(hits / 2000).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed', async () => {
    const input: FitEstimatorInput = {
      kind: 'gbt',
      task: 'multiclass',
      x: d.x,
      y: d.multi,
      numClasses: 3,
      hyperparams: { maxIter: 5, earlyStopping: true },
      seed: 9,
    };
    const a = estimatorToJson(await fitEstimator(input));
    const b = estimatorToJson(await fitEstimator(input));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('hyperparameter validation', () => {
  it('names the bad key and its allowed range', () => {
    expect(() => validateHyperparams('gbt', { maxLeafNodes: 1 })).toThrow(
      "gbt hyperparameter 'maxLeafNodes' must be an integer in 2..65536, got 1",
    );
    expect(() => validateHyperparams('gbt', { learningRate: 0 })).toThrow(
      "gbt hyperparameter 'learningRate' must be a number > 0 and ≤ 10, got 0",
    );
    expect(() => validateHyperparams('gbt', { maxIter: 10.5 })).toThrow(/'maxIter' must be an integer in 1..10000, got 10.5/);
    expect(() => validateHyperparams('gbt', { earlyStopping: 'yes' })).toThrow(/'earlyStopping' must be true or false, got "yes"/);
    expect(() => validateHyperparams('gbt', { maxDepth: 'deep' })).toThrow(/'maxDepth' must be an integer in 1..1000 or "none"/);
    expect(validateHyperparams('gbt', { maxDepth: 'none' })['maxDepth']).toBeUndefined();
    expect(() => validateHyperparams('linear_regression', { alpha: -1 })).toThrow(
      "linear_regression hyperparameter 'alpha' must be a number ≥ 0, got -1",
    );
    expect(() => validateHyperparams('logistic_regression', { C: 0 })).toThrow(/'C' must be a number > 0/);
  });

  it('refuses unknown keys listing the known ones, and C with l2', () => {
    expect(() => validateHyperparams('logistic_regression', { alpha: 1 })).toThrow(
      "unknown logistic_regression hyperparameter 'alpha' (known: C, l2, maxIter, tol)",
    );
    expect(() => validateHyperparams('logistic_regression', { C: 1, l2: 0.1 })).toThrow(/either 'C' or 'l2'/);
  });

  it('fitEstimator refuses bad hyperparameters before fitting, as EstimatorInputError', async () => {
    const err = await fitEstimator({ kind: 'gbt', task: 'binary', x: d.x, y: d.bin, numClasses: 2, hyperparams: { maxBins: 300 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EstimatorInputError);
    expect((err as Error).message).toMatch(/'maxBins' must be an integer in 2..255, got 300/);
  });
});

describe('bad input is refused by name', () => {
  const fit = (over: Partial<FitEstimatorInput>): Promise<Estimator> =>
    fitEstimator({ kind: 'gbt', task: 'binary', x: d.x, y: d.bin, numClasses: 2, ...over } as FitEstimatorInput);

  it('kind/task mismatches and class counts', async () => {
    await expect(fit({ kind: 'linear_regression' })).rejects.toThrow(
      'estimator linear_regression cannot learn a binary task (it handles regression); use logistic_regression or gbt for classification',
    );
    await expect(fit({ kind: 'logistic_regression', task: 'regression', y: d.reg })).rejects.toThrow(
      /logistic_regression cannot learn a regression task/,
    );
    await expect(fit({ numClasses: 3 })).rejects.toThrow(/a binary task has 2 classes, got numClasses 3/);
    await expect(fit({ task: 'multiclass', numClasses: 2 })).rejects.toThrow(/at least 3 classes.*use task 'binary'/);
    await expect(fit({ kind: 'nope' as 'gbt' })).rejects.toThrow(/unknown estimator kind 'nope'/);
  });

  it('labels, single class, shapes', async () => {
    await expect(fit({ y: Int32Array.from(d.bin, (v, i) => (i === 7 ? 2 : v)) })).rejects.toThrow(
      'label 2 at row 7 is not a class index in 0..1',
    );
    await expect(fit({ y: new Int32Array(2000) })).rejects.toThrow(/single class/);
    await expect(fit({ y: new Int32Array(5) })).rejects.toThrow(/2000 feature rows but 5 targets/);
    await expect(
      fit({ kind: 'linear_regression', task: 'regression', y: Float64Array.from(d.reg, (v, i) => (i === 3 ? NaN : v)) }),
    ).rejects.toThrow(/target is NaN at row 3/);
  });

  it('non-finite features name the column; gbt accepts NaN (missing) but not infinity', async () => {
    const x: Matrix = { ...d.x, data: Float64Array.from(d.x.data) };
    x.data[5 * 3 + 2] = NaN;
    await expect(fit({ kind: 'logistic_regression', x, featureNames: ['a', 'b', 'c'] })).rejects.toThrow(
      "feature 'c' (column 2) is NaN at row 5; impute missing values in the feature pipeline (only gbt accepts them)",
    );
    await expect(fit({ x, hyperparams: { maxIter: 2 } })).resolves.toMatchObject({ kind: 'gbt' });
    x.data[9 * 3] = Infinity;
    await expect(fit({ x })).rejects.toThrow(/feature column 0 is Infinity at row 9/);
  });

  it('collinear features with alpha 0 come back as EstimatorInputError naming the kind', async () => {
    const x: Matrix = { data: Float64Array.from({ length: 200 }, (_, k) => (k % 2 === 0 ? k : 2 * (k - 1))), rows: 100, cols: 2 };
    await expect(
      fitEstimator({
        kind: 'linear_regression',
        task: 'regression',
        x,
        y: new Float64Array(100).map((_, i) => i),
        hyperparams: { alpha: 0 },
      }),
    ).rejects.toThrow(/linear_regression: matrix is not positive definite/);
  });

  it('predictions refuse a matrix of another width', async () => {
    const est = await fit({ hyperparams: { maxIter: 2 } });
    expect(() => predictEstimator(est, { data: new Float64Array(4), rows: 2, cols: 2 })).toThrow(
      'the gbt model expects 3 features, the matrix has 2',
    );
  });
});

describe('progress and cancellation', () => {
  it('reports each gbt iteration; an abort stops the fit between iterations', async () => {
    const seen: number[] = [];
    const ac = new AbortController();
    const run = fitEstimator({
      kind: 'gbt',
      task: 'binary',
      x: d.x,
      y: d.bin,
      numClasses: 2,
      hyperparams: { maxIter: 50 },
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p.iteration);
        if (p.iteration === 3) ac.abort(new Error('cancelled by the test'));
      },
    });
    await expect(run).rejects.toThrow('cancelled by the test');
    expect(seen).toEqual([1, 2, 3]);
    await expect(
      fitEstimator({ kind: 'linear_regression', task: 'regression', x: d.x, y: d.reg, signal: AbortSignal.abort() }),
    ).rejects.toThrow(/abort/i);
  });
});

describe('estimator JSON envelope', () => {
  it('round-trips every kind (object and text) with identical predictions', async () => {
    const ests = [
      await fitEstimator({ kind: 'logistic_regression', task: 'binary', x: d.x, y: d.bin, numClasses: 2 }),
      await fitEstimator({ kind: 'logistic_regression', task: 'multiclass', x: d.x, y: d.multi, numClasses: 3 }),
      await fitEstimator({ kind: 'linear_regression', task: 'regression', x: d.x, y: d.reg }),
      await fitEstimator({ kind: 'gbt', task: 'binary', x: d.x, y: d.bin, numClasses: 2, hyperparams: { maxIter: 3 } }),
      await fitEstimator({ kind: 'gbt', task: 'multiclass', x: d.x, y: d.multi, numClasses: 3, hyperparams: { maxIter: 3 } }),
      await fitEstimator({ kind: 'gbt', task: 'regression', x: d.x, y: d.reg, hyperparams: { maxIter: 3 } }),
    ];
    for (const est of ests) {
      const doc = estimatorToJson(est);
      expect(doc).toMatchObject({ format: 'tideflow.estimator', version: 1, kind: est.kind, task: est.task, numFeatures: 3 });
      const back = estimatorFromJson(JSON.stringify(doc));
      expect(back.hyperparams).toEqual(est.hyperparams);
      expect(back.fitInfo).toEqual(est.fitInfo);
      const a = predictEstimator(est, d.x);
      const b = predictEstimator(back, d.x);
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
      expect(Array.from(b.proba ?? [])).toEqual(Array.from(a.proba ?? []));
    }
  });

  it('refuses other formats and versions, and envelopes that disagree with their model', async () => {
    const est = await fitEstimator({ kind: 'gbt', task: 'multiclass', x: d.x, y: d.multi, numClasses: 3, hyperparams: { maxIter: 2 } });
    const doc = estimatorToJson(est) as unknown as Record<string, unknown>;
    expect(() => estimatorFromJson({ ...doc, format: 'tideflow.gbt' })).toThrow(
      'not a tideflow.estimator artifact (format "tideflow.gbt")',
    );
    expect(() => estimatorFromJson({ ...doc, version: 2 })).toThrow(
      'tideflow.estimator version 2 is not supported (this reader knows version 1)',
    );
    expect(() => estimatorFromJson({ ...doc, task: 'binary', numClasses: 2 })).toThrow(/for a binary task, its gbt model is multiclass/);
    expect(() => estimatorFromJson({ ...doc, numFeatures: 4 })).toThrow(/says 4 features, its model has 3/);
    expect(() => estimatorFromJson({ ...doc, kind: 'linear_regression' })).toThrow(/linear_regression cannot learn a multiclass task/);
    expect(() => estimatorFromJson({ ...doc, hyperparams: { ...(doc['hyperparams'] as object), maxLeafNodes: 0 } })).toThrow(
      /'maxLeafNodes' must be an integer in 2..65536/,
    );
    expect(() => estimatorFromJson({ ...doc, model: { ...(doc['model'] as object), version: 7 } })).toThrow(
      /gbt model in the estimator: tideflow.gbt version 7 is not supported/,
    );
    expect(() => estimatorFromJson({ ...doc, kind: 'logistic_regression', hyperparams: { C: 1 } })).toThrow(
      /malformed tideflow.logistic-regression model in the estimator: format/,
    );
    expect(() => estimatorFromJson('[]')).toThrow(/not a tideflow.estimator artifact \(format missing\)/);
  });
});
