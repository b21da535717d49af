/**
 * The HTML run report's helpers: number formats, metric direction, ROC downsampling and AUC,
 * displayJson, and the column cards built from validation statistics.
 */
import { describe, expect, it } from 'vitest';
import { curveAuc, downsampleCurve, fmtCount, fmtNum, higherIsBetter, renderRunReport, reportColumnsFromStatistics } from '../../ml/report';
import type { Frame } from '../../ml/frame/frame';
import { compareMetric } from '../../ml/report/sections/evaluation';
import { displayJson } from '../../ml/report/escape';
import { fmtDelta, fmtPct, fmtTimestamp } from '../../ml/report/format';
import { computeStatistics } from '../../ml/validation';
import { count } from './report-html-helpers';

describe('report helpers', () => {
  it('higherIsBetter knows losses and errors, whatever the spelling', async () => {
    for (const m of [
      'log_loss',
      'logLoss',
      'cvLogLoss',
      'test_log_loss',
      'rmse',
      'RMSE',
      'mae',
      'mse',
      'brier_score',
      'hinge_loss',
      'error_rate',
    ])
      expect(higherIsBetter(m), m).toBe(false);
    for (const m of ['accuracy', 'cvAccuracy', 'roc_auc', 'macroF1', 'f1', 'precision', 'recall', 'r2', 'neg_log_loss'])
      expect(higherIsBetter(m), m).toBe(true);
    expect(compareMetric('rmse', 1, 2)).toBe('better');
    expect(compareMetric('accuracy', 0.8, 0.9)).toBe('worse');
    expect(compareMetric('accuracy', NaN, 0.9)).toBe('unknown');
  });

  it('formats numbers to 4 significant digits, counts with separators, non-finite as text', async () => {
    expect(fmtNum(0.951234)).toBe('0.9512');
    expect(fmtNum(12345.6)).toBe('12,350');
    expect(fmtNum(0.00001234)).toBe('1.234e-5');
    expect(fmtNum(2e20)).toBe('2e+20');
    expect(fmtNum(-0)).toBe('0');
    expect(fmtNum(NaN)).toBe('NaN');
    expect(fmtNum(-Infinity)).toBe('-Infinity');
    expect(fmtCount(1234567)).toBe('1,234,567');
    expect(fmtDelta(0.01234)).toBe('+0.01234');
    expect(fmtDelta(Infinity)).toBe('+Infinity');
    expect(fmtPct(0.1235)).toBe('12.35%');
    expect(fmtTimestamp(Date.UTC(2024, 2, 1))).toBe('2024-03-01');
    expect(fmtTimestamp(Date.UTC(2024, 2, 1, 12, 30))).toBe('2024-03-01 12:30');
  });

  it('ROC AUC by trapezoids and downsampling that keeps both ends', async () => {
    expect(curveAuc({ fpr: [0, 1], tpr: [0, 1] })).toBe(0.5);
    expect(curveAuc({ fpr: [0, 0, 1], tpr: [0, 1, 1] })).toBe(1);
    const n = 1234;
    const c = { fpr: Array.from({ length: n }, (_, i) => i / (n - 1)), tpr: Array.from({ length: n }, (_, i) => i / (n - 1)) };
    const d = downsampleCurve(c, 500);
    expect(d.fpr.length).toBe(500);
    expect([d.fpr[0], d.fpr[499], d.tpr[499]]).toEqual([0, 1, 1]);
    expect(downsampleCurve({ fpr: [0, 1], tpr: [0, 1] }).fpr).toEqual([0, 1]);
  });

  it('displayJson survives NaN, BigInt and cycles', async () => {
    const cyc: Record<string, unknown> = { n: NaN, b: 10n };
    cyc.self = cyc;
    expect(displayJson(cyc)).toBe('{\n  "n": "NaN",\n  "b": "10",\n  "self": "[circular]"\n}');
    expect(displayJson({ s: 'x'.repeat(50) }, 20)).toMatch(/more characters not shown\)$/);
  });
});

describe('reportColumnsFromStatistics (validation statistics → column cards)', () => {
  const frame: Frame = {
    rows: 6,
    columns: [
      { name: 'x', type: 'number', values: Float64Array.from([1, 2, 3, 4, NaN, Infinity]) },
      { name: 'b', type: 'boolean', values: Float64Array.from([1, 0, 1, NaN, 1, 0]) },
      { name: 's', type: 'string', values: ['a', 'b', 'a', null, null, 'c'] },
      { name: 'empty', type: 'timestamp', values: Float64Array.from([NaN, NaN, NaN, NaN, NaN, NaN]) },
    ],
  };
  const columns = reportColumnsFromStatistics(computeStatistics(frame).columns);
  const [x, b, s, empty] = columns;

  it('numeric: finite values only, the report quantiles p5…p95, population std, the validation histogram', async () => {
    // unique: 4 finite values + the +Infinity one (validation counts distinct present values).
    expect(x).toMatchObject({ name: 'x', type: 'number', count: 5, missing: 1, unique: 5, mean: 2.5, min: 1, max: 4 });
    expect(x!.missingFraction).toBeCloseTo(1 / 6, 15);
    expect(x!.std).toBeCloseTo(Math.sqrt(1.25), 15);
    const want: Record<string, number> = { p5: 1.15, p25: 1.75, p50: 2.5, p75: 3.25, p95: 3.85 }; // numpy.quantile([1, 2, 3, 4], …)
    expect(Object.keys(x!.quantiles!)).toEqual(Object.keys(want));
    for (const [k, v] of Object.entries(want)) expect(x!.quantiles![k]).toBeCloseTo(v, 12);
    // numpy.histogram([1, 2, 3, 4], bins=10)
    expect(x!.histogram!.counts).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(x!.histogram!.edges).toHaveLength(11);
    expect(x!.histogram!.edges[3]).toBeCloseTo(1.9, 12);
  });

  it('boolean and string: value counts; an all-missing column has no statistics', async () => {
    expect(b).toMatchObject({
      count: 5,
      missing: 1,
      unique: 2,
      topValues: [
        { value: 'true', count: 3 },
        { value: 'false', count: 2 },
      ],
    });
    expect(s).toMatchObject({
      count: 4,
      missing: 2,
      unique: 3,
      topValues: [
        { value: 'a', count: 2 },
        { value: 'b', count: 1 },
        { value: 'c', count: 1 },
      ],
    });
    expect(empty).toEqual({ name: 'empty', type: 'timestamp', count: 0, missing: 6, missingFraction: 1, unique: 0 });
  });

  it('renders: one chart per column with a distribution, a note for the empty one', async () => {
    const html = await renderRunReport({
      run: { dagId: 'd', workflowId: 'w', params: {}, modelName: 'm' },
      data: { source: 'mem', rows: 6, columns },
    });
    expect(count(html, /<svg /)).toBe(3);
    expect(html).toContain('No distribution recorded.');
    expect(html).toContain('<span>p95 3.85</span>');
  });
});
