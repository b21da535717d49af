/** Performance drift, pure: TFX-like change semantics against the champion's recorded metrics, with hand-computed values. */
import { describe, expect, it } from 'vitest';
import { performanceSpecProblems, type PerformanceSpec, type WindowMetrics } from '../../ml/drift/performance';
import { compareMetric, comparePerformance, type ChampionMetrics } from '../../ml/drift/performance-compare';

const spec = (metrics: PerformanceSpec['metrics'], o: Partial<PerformanceSpec> = {}): PerformanceSpec => ({
  predictionColumn: 'pred',
  labelColumn: 'label',
  task: 'classification',
  minLabeledRows: 30,
  metrics,
  ...o,
});
const window = (values: WindowMetrics['values'], labeledRows = 100, errors: WindowMetrics['errors'] = {}): WindowMetrics => ({
  rows: labeledRows + 5,
  labeledRows,
  missingLabel: 4,
  missingPrediction: 1,
  values,
  errors,
});
/** What registration records today (activities/ml/register.ts). */
const v3: ChampionMetrics = { version: 3, metrics: { accuracy: 0.94, macroF1: 0.9, logLoss: 0.2, n: 67 } };

describe('compareMetric: change thresholds', () => {
  it('higher is better, absolute: 0.94 → 0.81 drops 0.13 > 0.05', () => {
    const c = compareMetric({ name: 'accuracy', maxDrop: 0.05 }, 0.81, 0.94, 3);
    expect(c.verdict).toBe('drift');
    expect(c.degradation).toBeCloseTo(0.13, 12);
    expect(c.relativeDegradation).toBeCloseTo(0.13 / 0.94, 12);
    expect(c.reason).toBe('accuracy dropped from 0.94 (champion v3) to 0.81 (−0.13 > 0.05)');
  });

  it('a drop exactly at the threshold is within it (0.94 − 0.89 is 0.05000000000000004 in floating point)', () => {
    const c = compareMetric({ name: 'accuracy', maxDrop: 0.05 }, 0.89, 0.94, 3);
    expect(c.verdict).toBe('ok');
    expect(c.reason).toBe('accuracy 0.89 vs 0.94 (champion v3): change −0.05 within ≤ 0.05');
  });

  it('higher is better: an improvement is never drift', () => {
    const c = compareMetric({ name: 'r2', maxDrop: 0, maxRelativeDrop: 0 }, 0.9, 0.8, 1);
    expect(c.verdict).toBe('ok');
    expect(c.degradation).toBeCloseTo(-0.1, 12);
  });

  it('lower is better: log_loss 0.2 → 0.5 rises 0.3 > 0.1; 0.2 → 0.1 is an improvement', () => {
    const worse = compareMetric({ name: 'log_loss', maxDrop: 0.1 }, 0.5, 0.2, 2);
    expect(worse.verdict).toBe('drift');
    expect(worse.higherIsBetter).toBe(false);
    expect(worse.degradation).toBeCloseTo(0.3, 12);
    expect(worse.reason).toBe('log_loss rose from 0.2 (champion v2) to 0.5 (+0.3 > 0.1)');
    const better = compareMetric({ name: 'log_loss', maxDrop: 0.1 }, 0.1, 0.2, 2);
    expect(better.verdict).toBe('ok');
    expect(better.degradation).toBeCloseTo(-0.1, 12);
  });

  it('relative: rmse 2.0 → 2.3 is +15 %: drift over 10 %, within 20 %; either threshold trips (OR)', () => {
    const tight = compareMetric({ name: 'rmse', maxRelativeDrop: 0.1 }, 2.3, 2.0, 4);
    expect(tight.verdict).toBe('drift');
    expect(tight.relativeDegradation).toBeCloseTo(0.15, 12);
    expect(tight.reason).toBe('rmse rose from 2 (champion v4) to 2.3 (+15% > 10%)');
    expect(compareMetric({ name: 'rmse', maxRelativeDrop: 0.2 }, 2.3, 2.0, 4).verdict).toBe('ok');
    // Absolute 0.3 ≤ 0.5 passes, relative 15 % > 10 % fails: drift.
    const both = compareMetric({ name: 'rmse', maxDrop: 0.5, maxRelativeDrop: 0.1 }, 2.3, 2.0, 4);
    expect(both.verdict).toBe('drift');
    expect(both.reason).toBe('rmse rose from 2 (champion v4) to 2.3 (+15% > 10%)');
  });

  it('relative for higher-is-better: accuracy 0.8 → 0.7 is −12.5 %', () => {
    const c = compareMetric({ name: 'accuracy', maxDrop: 0.05, maxRelativeDrop: 0.1 }, 0.7, 0.8, 5);
    expect(c.relativeDegradation).toBeCloseTo(0.125, 12);
    expect(c.reason).toBe('accuracy dropped from 0.8 (champion v5) to 0.7 (−0.1 > 0.05, −12.5% > 10%)');
  });

  it('a champion of 0 has no relative change: any degradation exceeds a relative threshold', () => {
    const c = compareMetric({ name: 'mae', maxRelativeDrop: 0.5 }, 0.1, 0, 1);
    expect(c.verdict).toBe('drift');
    expect(c.relativeDegradation).toBeUndefined();
    expect(compareMetric({ name: 'mae', maxRelativeDrop: 0.5 }, 0, 0, 1).verdict).toBe('ok');
  });
});

describe('comparePerformance', () => {
  it('a champion without the metric: not compared, with the reason; never a silent pass', () => {
    const p = comparePerformance(
      spec(
        [
          { name: 'accuracy', maxDrop: 0.05 },
          { name: 'roc_auc', maxDrop: 0.05 },
        ],
        { probabilityColumn: 'p' },
      ),
      window({ accuracy: 0.93, roc_auc: 0.9 }),
      v3,
    );
    expect(p.status).toBe('not_compared');
    expect(p.drifted).toBe(false);
    expect(p.metrics.map((m) => m.verdict)).toEqual(['ok', 'not_compared']);
    expect(p.metrics[1]?.reason).toBe(
      'roc_auc = 0.9, not compared: champion v3 has no recorded roc_auc/rocAuc/auc (it has accuracy, macroF1, logLoss, n)',
    );
    expect(p.summary).toMatch(/^performance not fully compared \(100 labeled rows\): roc_auc = 0.9/);
  });

  it("reads the champion's camelCase keys (macroF1, logLoss) and an explicit championKey", () => {
    const p = comparePerformance(
      spec(
        [
          { name: 'macro_f1', maxDrop: 0.05 },
          { name: 'log_loss', maxDrop: 0.1 },
          { name: 'f1', maxDrop: 0.05, championKey: 'macroF1' },
        ],
        { probabilityColumn: 'p' },
      ),
      window({ macro_f1: 0.7, log_loss: 0.25, f1: 0.88 }),
      v3,
    );
    expect(p.metrics.map((m) => [m.metric, m.championKey, m.champion, m.verdict])).toEqual([
      ['macro_f1', 'macroF1', 0.9, 'drift'],
      ['log_loss', 'logLoss', 0.2, 'ok'],
      ['f1', 'macroF1', 0.9, 'ok'],
    ]);
    expect(p).toMatchObject({ status: 'drift', drifted: true, driftedMetrics: ['macro_f1'], champion: { version: 3 } });
    expect(p.summary).toBe('performance drift: macro_f1 dropped from 0.9 (champion v3) to 0.7 (−0.2 > 0.05)');
  });

  it('one metric drifting makes the window drift even when another is not compared', () => {
    const p = comparePerformance(
      spec([
        { name: 'accuracy', maxDrop: 0.05 },
        { name: 'recall', maxDrop: 0.05 },
      ]),
      window({ accuracy: 0.81, recall: 0.5 }),
      v3,
    );
    expect(p.status).toBe('drift');
    expect(p.metrics.map((m) => m.verdict)).toEqual(['drift', 'not_compared']);
  });

  it('no champion: the current values are reported, nothing is compared', () => {
    const p = comparePerformance(spec([{ name: 'accuracy', maxDrop: 0.05 }]), window({ accuracy: 0.5 }), undefined);
    expect(p).toMatchObject({ status: 'not_compared', drifted: false, champion: null });
    expect(p.metrics[0]).toMatchObject({
      current: 0.5,
      verdict: 'not_compared',
      reason: 'accuracy = 0.5, not compared: the model has no champion version',
    });
  });

  it('fewer labeled rows than minLabeledRows: insufficient labels, not drift, even with terrible values', () => {
    const p = comparePerformance(spec([{ name: 'accuracy', maxDrop: 0.05 }]), window({ accuracy: 0.1 }, 29), v3);
    expect(p).toMatchObject({ status: 'insufficient_labels', drifted: false, labeledRows: 29, missingLabel: 4, minLabeledRows: 30 });
    expect(p.summary).toBe('insufficient labels: 29 labeled rows < minLabeledRows 30');
    expect(p.metrics[0]?.verdict).toBe('not_compared');
    expect(comparePerformance(spec([{ name: 'accuracy', maxDrop: 0.05 }]), window({ accuracy: 0.1 }, 30), v3).status).toBe('drift');
  });

  it('a metric the window cannot compute is not compared, with its reason', () => {
    const p = comparePerformance(
      spec([{ name: 'roc_auc', maxDrop: 0.05 }], { probabilityColumn: 'p' }),
      window({}, 100, { roc_auc: 'ROC-AUC is undefined when only one class is present in yTrue' }),
      { version: 1, metrics: { roc_auc: 0.9 } },
    );
    expect(p.status).toBe('not_compared');
    expect(p.metrics[0]?.reason).toBe('roc_auc not computed on the window: ROC-AUC is undefined when only one class is present in yTrue');
  });

  it('all compared and within thresholds: ok', () => {
    const p = comparePerformance(
      spec(
        [
          { name: 'accuracy', maxDrop: 0.05 },
          { name: 'log_loss', maxRelativeDrop: 0.5 },
        ],
        { probabilityColumn: 'p' },
      ),
      window({ accuracy: 0.95, log_loss: 0.29 }),
      v3,
    );
    expect(p.status).toBe('ok');
    expect(p.summary).toBe('no performance drift (100 labeled rows; accuracy 0.95, log_loss 0.29)');
  });
});

describe('performanceSpecProblems', () => {
  it('names each problem: wrong task, missing probability column, no threshold, duplicates, negative threshold', () => {
    expect(performanceSpecProblems(spec([{ name: 'accuracy', maxDrop: 0.05 }]))).toEqual([]);
    expect(
      performanceSpecProblems(
        spec([{ name: 'rmse', maxDrop: 1 }, { name: 'roc_auc', maxDrop: 0.1 }, { name: 'accuracy' }, { name: 'accuracy', maxDrop: -1 }]),
      ),
    ).toEqual([
      "performance.metrics: 'rmse' is a regression metric, but task is 'classification'",
      "performance.metrics: 'roc_auc' needs performance.probabilityColumn",
      "performance.metrics: 'accuracy' needs maxDrop or maxRelativeDrop",
      "performance.metrics: 'accuracy' is declared twice",
      "performance.metrics: 'accuracy'.maxDrop must be a finite number ≥ 0, got -1",
    ]);
    expect(() => comparePerformance(spec([]), window({}), v3)).toThrow(/declare at least one metric/);
  });
});
