import { describe, expect, it } from 'vitest';
import { crossValidate, rankTrials } from '../../ml/model-selection/cross-validation';
import { HOLDOUT_VALIDATION_FOLD, holdoutFolds } from '../../ml/model-selection/holdout';
import { fitEstimator } from '../../ml/estimators';
import { createRng } from '../../ml/stats/random';

describe('holdout validation (folds 0)', () => {
  it('holds out validationFraction of the rows, stratified for classification; deterministic for a seed', () => {
    const y = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const f = holdoutFolds('binary', y, 0.25, 7);
    const held = [...f.keys()].filter((i) => f[i] === HOLDOUT_VALIDATION_FOLD);
    expect(held).toHaveLength(25);
    expect(held.filter((i) => (y[i] as number) === 1)).toHaveLength(5);
    expect(holdoutFolds('binary', y, 0.25, 7)).toEqual(f);
    expect(
      holdoutFolds(
        'regression',
        Float64Array.from({ length: 10 }, (_, i) => i),
        0.3,
        1,
      ).filter((v) => v === 0),
    ).toHaveLength(3);
  });

  it('crossValidate with heldOut [0] fits once and scores on the held-out rows only', async () => {
    const rand = createRng(3);
    const n = 120;
    const data = Float64Array.from({ length: n }, () => rand() * 2 - 1);
    const y = Int32Array.from(data, (v) => (v + (rand() - 0.5) * 0.2 > 0 ? 1 : 0));
    const folds = holdoutFolds('binary', y, 0.2, 1);
    let fits = 0;
    const cv = await crossValidate({
      rows: n,
      folds,
      heldOut: [HOLDOUT_VALIDATION_FOLD],
      task: 'binary',
      metric: 'accuracy',
      prepare: (trainIdx, heldIdx) => ({
        xTrain: { rows: trainIdx.length, cols: 1, data: Float64Array.from(trainIdx, (i) => data[i] as number) },
        yTrain: Int32Array.from(trainIdx, (i) => y[i] as number),
        xHeld: { rows: heldIdx.length, cols: 1, data: Float64Array.from(heldIdx, (i) => data[i] as number) },
        yHeld: Int32Array.from(heldIdx, (i) => y[i] as number),
      }),
      fit: (x, yy) => {
        fits++;
        return fitEstimator({ kind: 'logistic_regression', task: 'binary', x, y: yy, numClasses: 2, hyperparams: {} });
      },
    });
    expect(fits).toBe(1);
    expect(cv.perFold).toHaveLength(1);
    expect(cv.std).toBe(0);
    expect(cv.mean).toBeGreaterThan(0.8);
    await expect(
      crossValidate({
        rows: n,
        folds,
        heldOut: [2],
        task: 'binary',
        metric: 'accuracy',
        prepare: () => ({}) as never,
        fit: () => ({}) as never,
      }),
    ).rejects.toThrow(/held-out fold 2 is not one of 0..1/);
  });

  it('rankTrials: best first by the metric direction, ties to the lower index, non-finite left out', () => {
    const t = (index: number, mean: number) => ({ index, mean });
    expect(rankTrials([t(0, 0.8), t(1, 0.9), t(2, 0.9), t(3, NaN)], 'accuracy').map((x) => x.index)).toEqual([1, 2, 0]);
    expect(rankTrials([t(0, 3), t(1, 1), t(2, 2)], 'rmse').map((x) => x.index)).toEqual([1, 2, 0]);
  });
});
