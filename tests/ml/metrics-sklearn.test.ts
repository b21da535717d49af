/**
 * Our metrics against scikit-learn's on the same predictions, to 1e-9. The reference values are
 * committed in fixtures/metrics-sklearn.json; fixtures/gen_metrics.py regenerates them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracy, binaryLogLoss, confusionMatrix, logLoss } from '../../ml/metrics/classification';
import { rocAuc, rocAucOvr } from '../../ml/metrics/auc';
import { prfScore, type PrfMetric } from '../../ml/metrics/precision-recall';
import { mae, r2, rmse } from '../../ml/metrics/regression';

interface Case {
  name: string;
  kind: 'binary' | 'multiclass' | 'regression';
  numClasses?: number;
  yTrue: number[];
  yPred: number[];
  score?: number[];
  proba?: number[];
  expected: Record<string, number | number[][]>;
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'metrics-sklearn.json'), 'utf8')) as { sklearn: string; cases: Case[] };
const TOL = 1e-9;

function num(c: Case, key: string): number {
  const v = c.expected[key];
  if (typeof v !== 'number') throw new Error(`${c.name}: no number ${key}`);
  return v;
}

function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOL);
}

const PRF: PrfMetric[] = ['precision', 'recall', 'f1'];

describe(`metrics equal scikit-learn ${fixture.sklearn}'s to 1e-9`, () => {
  it('has cases of every kind', () => {
    expect(new Set(fixture.cases.map((c) => c.kind))).toEqual(new Set(['binary', 'multiclass', 'regression']));
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      if (c.kind === 'regression') {
        near(rmse(c.yTrue, c.yPred), num(c, 'rmse'));
        near(mae(c.yTrue, c.yPred), num(c, 'mae'));
        near(r2(c.yTrue, c.yPred), num(c, 'r2'));
        return;
      }
      const k = c.numClasses ?? 2;
      near(accuracy(c.yTrue, c.yPred), num(c, 'accuracy'));
      expect(confusionMatrix(c.yTrue, c.yPred, k)).toEqual(c.expected['confusion']);
      for (const zd of [0, 1] as const) {
        for (const m of PRF) {
          near(prfScore(m, c.yTrue, c.yPred, { average: 'macro', zeroDivision: zd, numClasses: k }), num(c, `macro_${m}_zd${zd}`));
          if (c.kind === 'binary') near(prfScore(m, c.yTrue, c.yPred, { average: 'binary', zeroDivision: zd }), num(c, `${m}_zd${zd}`));
        }
      }
      if (c.kind === 'binary') {
        const score = c.score ?? [];
        if ('roc_auc' in c.expected) near(rocAuc(c.yTrue, score), num(c, 'roc_auc'));
        else expect(() => rocAuc(c.yTrue, score)).toThrow(/one class/);
        near(
          binaryLogLoss(
            c.yTrue,
            score.map((s) => Math.min(1, Math.max(0, s))),
          ),
          num(c, 'log_loss'),
        );
      } else {
        const proba = Float64Array.from(c.proba ?? []);
        near(logLoss(c.yTrue, proba, k), num(c, 'log_loss'));
        if ('roc_auc_ovr' in c.expected) near(rocAucOvr(c.yTrue, proba, k), num(c, 'roc_auc_ovr'));
        else expect(() => rocAucOvr(c.yTrue, proba, k)).toThrow(/one class/);
      }
    });
  }
});

describe('metric argument checks', () => {
  it("average 'binary' refuses more than two classes; macro accepts them", () => {
    expect(() => prfScore('f1', [0, 1, 2], [0, 1, 2])).toThrow(/macro/);
    expect(prfScore('f1', [0, 1, 2], [0, 1, 2], { average: 'macro' })).toBe(1);
  });

  it('ROC-AUC accepts infinite scores and refuses NaN and length mismatches', () => {
    expect(rocAuc([0, 1, 0, 1], [-Infinity, Infinity, 0.2, 0.1])).toBe(0.75);
    expect(() => rocAuc([0, 1], [0.1, NaN])).toThrow(/NaN/);
    expect(() => rocAuc([0, 1], [0.1])).toThrow(/length/);
  });

  it('regression metrics refuse empty or mismatched inputs', () => {
    expect(() => rmse([], [])).toThrow(/no rows/);
    expect(() => r2([1, 2], [1])).toThrow(/length/);
  });
});
