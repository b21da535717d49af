/**
 * activities/ml/report-insights.ts on real fitted models (logistic regression and GBT through the
 * feature pipeline): what the evaluate step stores for the report — the model's own importances,
 * permutation importance over the raw input columns, and the threshold table/curve for binary
 * models — is computed from the model and the test frame, and agrees with the pure functions.
 */
import { describe, expect, it } from 'vitest';
import { reportInsights } from '../../activities/ml/report-insights';
import type { LoadedModel, ModelArtifact } from '../../activities/ml/model-artifact';
import { fitEstimator, type EstimatorKind } from '../../ml/estimators';
import { fitTransformFeatures } from '../../ml/features';
import type { Frame } from '../../ml/frame/frame';
import { createRng } from '../../ml/stats/random';
import { thresholdTable } from '../../ml/metrics/threshold-curve';

function frame(rows: number, seed: number): Frame {
  const rand = createRng(seed);
  const strong = Float64Array.from({ length: rows }, () => rand() * 4 - 2);
  const weak = Float64Array.from({ length: rows }, () => rand() * 4 - 2);
  const noise = Float64Array.from({ length: rows }, () => rand());
  const y = Array.from(strong, (s, i) => (s + 0.3 * weak[i]! + (rand() - 0.5) > 0 ? 'late' : 'on_time'));
  return {
    rows,
    columns: [
      { name: 'strong', type: 'number', values: strong },
      { name: 'weak', type: 'number', values: weak },
      { name: 'noise', type: 'number', values: noise },
      { name: 'delay', type: 'string', values: y },
    ],
  };
}

async function loaded(kind: EstimatorKind, train: Frame): Promise<LoadedModel> {
  const classes = ['late', 'on_time'];
  const { fitted: pipeline, matrix } = fitTransformFeatures(train, { features: ['strong', 'weak', 'noise'], steps: [] });
  const yCol = train.columns[3]!.values as string[];
  const y = Int32Array.from(yCol, (v) => classes.indexOf(v));
  const estimator = await fitEstimator({ kind, task: 'binary', x: matrix, y, numClasses: 2, seed: 1 });
  const artifact = { task: 'binary', target: 'delay', classes } as unknown as ModelArtifact;
  return { artifact, pipeline, estimator };
}

describe('reportInsights (evaluate step → report)', () => {
  const train = frame(600, 1);
  const test = frame(300, 2);

  for (const kind of ['logistic_regression', 'gbt'] as const) {
    it(`${kind}: own and permutation importances (strong input first, noise last), thresholds for the positive class`, async () => {
      const model = await loaded(kind, train);
      const r = reportInsights(model, test, 'on_time');
      const own = r.importance!.model!;
      // Trees record each split's gain (tideflow.gbt v3), so gradient boosting ranks by gain.
      expect(own.method).toBe(kind === 'gbt' ? 'gain' : 'abs_coefficient');
      expect(own.features[0]?.name).toBe('strong');
      expect(own.features.every((f) => f.value >= 0)).toBe(true);
      expect(own.features.reduce((s, f) => s + f.value, 0)).toBeCloseTo(1, 12);
      const perm = r.importance!.permutation!;
      expect(perm).toMatchObject({ metric: 'roc_auc', nRepeats: 5, rows: 300, seed: 0 });
      expect(perm.features.map((f) => f.name)).toEqual(['strong', 'weak', 'noise']);
      expect(perm.features[0]!.value).toBeGreaterThan(0.1);
      expect(Math.abs(perm.features[2]!.value)).toBeLessThan(0.05);
      const t = r.thresholds!;
      expect(t.positiveClass).toBe('on_time');
      expect(t.curve.length).toBeGreaterThan(10);
      expect(t.curve.every((p, i) => i === 0 || p.threshold > t.curve[i - 1]!.threshold)).toBe(true);
      const at05 = t.table.find((row) => row.threshold === 0.5)!;
      expect(t.table.map((row) => row.threshold)).toEqual([...t.table.map((row) => row.threshold)].sort((a, b) => a - b));
      // The table equals the pure function on the model's probabilities of 'on_time'.
      const { predictFrame } = await import('../../activities/ml/model-artifact');
      const p = Float64Array.from({ length: test.rows }, (_, i) => predictFrame(model, test).proba![i * 2 + 1]!);
      const y = Array.from(test.columns[3]!.values as string[], (v) => (v === 'on_time' ? 1 : 0));
      expect(at05).toEqual(thresholdTable(y, p, [0.5])[0]);
    });
  }
});
