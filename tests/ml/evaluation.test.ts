/**
 * evaluateClassification / evaluateRegression / rocCurve against scikit-learn's numbers
 * (fixtures/evaluation-sklearn.json from fixtures/gen_evaluation.py), and the METRICS table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { higherIsBetter } from '../../ml/metrics/direction';
import {
  checkMetricForTask,
  evaluateClassification,
  evaluateRegression,
  isBetter,
  METRIC_NAMES,
  metricNameSchema,
  metricValue,
  rocCurve,
  type RocCurve,
} from '../../ml/metrics/evaluation';

interface RocCase extends RocCurve {
  name: string;
  yTrue: number[];
  score: number[];
}

interface ClsCase {
  name: string;
  classes: string[];
  positiveClass?: string;
  yTrue: number[];
  proba: number[];
  expected: Record<string, number> & {
    confusion: number[][];
    perClassPrecision: number[];
    perClassRecall: number[];
    perClassF1: number[];
    rocCurve?: RocCurve;
  };
}

interface RegCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  expected: { rmse: number; mae: number; r2: number };
}

const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'evaluation-sklearn.json'), 'utf8')) as {
  sklearn: string;
  rocCurve: RocCase[];
  classification: ClsCase[];
  regression: RegCase[];
};
const TOL = 1e-9;

function nearAll(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(TOL));
}

describe(`roc_curve equals scikit-learn ${fx.sklearn}'s (drop_intermediate=True)`, () => {
  it('has cases', () => expect(fx.rocCurve.length).toBeGreaterThanOrEqual(7));
  for (const c of fx.rocCurve) {
    it(c.name, () => {
      const r = rocCurve(c.yTrue, c.score);
      nearAll(r.fpr, c.fpr);
      nearAll(r.tpr, c.tpr);
      nearAll(r.thresholds, c.thresholds);
    });
  }

  it('refuses a single class, NaN scores and non-0/1 labels', () => {
    expect(() => rocCurve([1, 1], [0.2, 0.3])).toThrow(/only one class/);
    expect(() => rocCurve([0, 1], [0.2, NaN])).toThrow(/NaN/);
    expect(() => rocCurve([0, 2], [0.2, 0.3])).toThrow(/0\/1 labels/);
  });
});

describe('evaluateClassification equals scikit-learn to 1e-9', () => {
  for (const c of fx.classification) {
    it(c.name, () => {
      const k = c.classes.length;
      const ev = evaluateClassification(c.yTrue, Float64Array.from(c.proba), k, c.classes, c.positiveClass);
      const e = c.expected;
      expect(ev.n).toBe(c.yTrue.length);
      for (const key of ['accuracy', 'precision', 'recall', 'f1', 'macroPrecision', 'macroRecall', 'macroF1', 'logLoss'] as const) {
        expect(Math.abs(ev[key] - (e[key] as number)), key).toBeLessThanOrEqual(TOL);
      }
      expect(Math.abs((ev.rocAuc as number) - (e['rocAuc'] as number))).toBeLessThanOrEqual(TOL);
      expect(ev.confusion).toEqual(e.confusion);
      nearAll(
        ev.perClass.map((p) => p.precision),
        e.perClassPrecision,
      );
      nearAll(
        ev.perClass.map((p) => p.recall),
        e.perClassRecall,
      );
      nearAll(
        ev.perClass.map((p) => p.f1),
        e.perClassF1,
      );
      expect(ev.perClass.map((p) => p.class)).toEqual(c.classes);
      expect(ev.perClass.reduce((s, p) => s + p.support, 0)).toBe(c.yTrue.length);
      if (k === 2) {
        const curve = e.rocCurve as RocCurve;
        expect(ev.positiveClass).toBe(c.positiveClass ?? c.classes[1]);
        nearAll(ev.rocCurve?.fpr ?? [], curve.fpr);
        nearAll(ev.rocCurve?.tpr ?? [], curve.tpr);
        nearAll(ev.rocCurve?.thresholds ?? [], curve.thresholds);
      } else {
        expect(ev.rocCurve).toBeUndefined();
        expect(ev.f1).toBe(ev.macroF1);
      }
    });
  }

  it('ROC-AUC is null (and no curve) when yTrue lacks a class; bad arguments are named', () => {
    const proba = Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.6, 0.4]);
    const ev = evaluateClassification([0, 0, 0], proba, 2, ['no', 'yes']);
    expect(ev.rocAuc).toBeNull();
    expect(ev.rocCurve).toBeUndefined();
    expect(ev.accuracy).toBeCloseTo(2 / 3, 12);
    expect(() => evaluateClassification([0, 1, 0], proba, 2, ['no', 'yes'], 'maybe')).toThrow(/positiveClass 'maybe' is not one of/);
    expect(() => evaluateClassification([0, 1, 2], proba, 2, ['no', 'yes'])).toThrow(/label 2 at row 2/);
    expect(() => evaluateClassification([0, 1], proba, 2, ['no', 'yes'])).toThrow(/expected 2 × 2 probabilities/);
    expect(() =>
      evaluateClassification(
        [0, 1, 2],
        Float64Array.from({ length: 9 }, () => 1 / 3),
        3,
        ['a', 'b', 'c'],
        'a',
      ),
    ).toThrow(/only applies to binary/);
  });
});

describe('evaluateRegression equals scikit-learn', () => {
  for (const c of fx.regression) {
    it(c.name, () => {
      const ev = evaluateRegression(c.yTrue, c.yPred);
      expect(ev.n).toBe(c.yTrue.length);
      for (const key of ['rmse', 'mae', 'r2'] as const) expect(Math.abs(ev[key] - c.expected[key])).toBeLessThanOrEqual(TOL);
    });
  }

  it('refuses non-finite predictions by row', () => {
    expect(() => evaluateRegression([1, 2], [1, NaN])).toThrow(/row 1/);
  });
});

describe('METRICS', () => {
  it('declares each metric’s direction and tasks', () => {
    expect([...METRIC_NAMES].sort()).toEqual([
      'accuracy',
      'f1',
      'log_loss',
      'macro_f1',
      'mae',
      'precision',
      'r2',
      'recall',
      'rmse',
      'roc_auc',
    ]);
    expect(METRIC_NAMES.filter((m) => !higherIsBetter(m)).sort()).toEqual(['log_loss', 'mae', 'rmse']);
    expect(isBetter('log_loss', 0.3, 0.4)).toBe(true);
    expect(isBetter('roc_auc', 0.3, 0.4)).toBe(false);
    expect(metricNameSchema.safeParse('auc').success).toBe(false);
  });

  it('reads metric values from evaluations and refuses metrics of another task by name', () => {
    const ev = evaluateClassification([0, 1, 1, 0], Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]), 2, ['n', 'y']);
    expect(metricValue('roc_auc', ev)).toBe(ev.rocAuc);
    expect(metricValue('macro_f1', ev)).toBe(ev.macroF1);
    expect(metricValue('log_loss', ev)).toBe(ev.logLoss);
    expect(metricValue('rmse', evaluateRegression([1, 2], [1, 3]))).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(() => metricValue('rmse', ev)).toThrow(/not part of this evaluation/);
    expect(() => checkMetricForTask('rmse', 'binary')).toThrow(
      /'rmse' does not apply to a binary task \(use one of accuracy, f1, macro_f1/,
    );
    expect(() => checkMetricForTask('f1', 'multiclass')).toThrow(/macro_f1/);
    expect(() => checkMetricForTask('auc', 'binary')).toThrow(/unknown metric 'auc'/);
    expect(checkMetricForTask('r2', 'regression')).toBe('r2');
  });
});
