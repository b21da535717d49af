import { InputError } from '../../core/errors';
import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, confusionMatrix, logLoss } from '../../ml/metrics/classification';
import { f1 } from '../../ml/metrics/precision-recall';

const macroF1 = (yTrue: number[], yPred: number[], numClasses: number): number => f1(yTrue, yPred, { average: 'macro', numClasses });

// Values checked by hand and against scikit-learn's definitions.
describe('metrics', () => {
  const yTrue = [0, 0, 1, 1, 2, 2];
  const yPred = [0, 1, 1, 1, 0, 0]; // class 2 is never predicted

  it('accuracy', () => {
    expect(accuracy(yTrue, yPred)).toBe(0.5);
    expect(accuracy([1, 2], [1, 2])).toBe(1);
  });

  it('confusion matrix, rows = true class', () => {
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [2, 0, 0],
    ]);
  });

  it('macro F1 counts a class that is never predicted as F1 = 0', () => {
    // class 0: TP 1, FP 2, FN 1 → 2/5 = 0.4; class 1: TP 2, FP 1, FN 0 → 4/5 = 0.8; class 2: 0.
    expect(macroF1(yTrue, yPred, 3)).toBeCloseTo((0.4 + 0.8 + 0) / 3, 15);
  });

  it('macro F1 ignores a class absent from both truth and predictions (labels=None)', () => {
    expect(macroF1(yTrue, yPred, 5)).toBeCloseTo(0.4, 15);
    // A class only predicted, never true, counts (precision 0 → F1 0).
    expect(macroF1([0, 0], [0, 1], 2)).toBeCloseTo((2 / 3 + 0) / 2, 15);
  });

  it('log loss: mean −ln p(true class)', () => {
    const p = Float64Array.from([0.8, 0.2, 0.4, 0.6]);
    expect(logLoss([0, 1], p, 2)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(logLoss([0, 1], p, 2)).toBeCloseTo(0.3669845875, 9);
  });

  it('log loss clips a zero probability to float64 eps, as scikit-learn does', () => {
    // sklearn.metrics.log_loss([0], [[0, 1]], labels=[0, 1]) == 36.04365338911715
    expect(logLoss([0], Float64Array.from([0, 1]), 2)).toBeCloseTo(36.04365338911715, 12);
    expect(logLoss([1], Float64Array.from([0, 1]), 2)).toBeCloseTo(-Math.log(1 - Number.EPSILON), 20);
  });

  it('log loss rejects rows that are not probability distributions', () => {
    expect(() => logLoss([0], Float64Array.from([0.2, 0.3]), 2)).toThrow(/sum/);
  });

  it('argmax takes the first of tied maxima', () => {
    expect(Array.from(argmaxRows(Float64Array.from([0.2, 0.5, 0.3, 0.4, 0.4, 0.2]), 3))).toEqual([1, 0]);
  });

  it('refuses empty or mismatched inputs', () => {
    expect(() => accuracy([], [])).toThrow(InputError);
    expect(() => accuracy([0, 1], [0])).toThrow(/length/);
  });
});
