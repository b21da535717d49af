/** performance "auto" (pure): the spec a prediction-log window gets from its model's task and its labels files. */
import { describe, expect, it } from 'vitest';
import { autoPerformanceSpec } from '../../ml/drift/auto-performance';
import { performanceSpecProblems } from '../../ml/drift/performance';

describe('autoPerformanceSpec', () => {
  it('binary: accuracy and ROC-AUC on the positive class classes[1], from the probabilities object; the label column of the labels files', () => {
    const spec = autoPerformanceSpec({ task: 'binary', classes: ['no', 'yes'] }, ['y'], 'p');
    expect(spec).toEqual({
      predictionColumn: 'prediction',
      labelColumn: 'y',
      probabilityColumn: 'probabilities',
      positiveLabel: 'yes',
      task: 'classification',
      metrics: [
        { name: 'accuracy', maxDrop: 0.05 },
        { name: 'roc_auc', maxDrop: 0.05 },
      ],
      minLabeledRows: 30,
    });
    expect(performanceSpecProblems(spec)).toEqual([]);
  });

  it('multiclass: no positive label (one-vs-rest AUC); regression: RMSE, 10 % relative; both valid specs', () => {
    const multi = autoPerformanceSpec({ task: 'multiclass', classes: ['a', 'b', 'c'] }, ['species'], 'p');
    expect(multi).not.toHaveProperty('positiveLabel');
    expect(multi.metrics.map((m) => m.name)).toEqual(['accuracy', 'roc_auc']);
    const reg = autoPerformanceSpec({ task: 'regression', classes: [] }, ['price'], 'p');
    expect(reg).toMatchObject({ task: 'regression', labelColumn: 'price', metrics: [{ name: 'rmse', maxRelativeDrop: 0.1 }] });
    expect(reg).not.toHaveProperty('probabilityColumn');
    expect([...performanceSpecProblems(multi), ...performanceSpecProblems(reg)]).toEqual([]);
  });

  it('several label columns are refused, naming them; none yet is fine (reported later as insufficient labels)', () => {
    expect(() => autoPerformanceSpec({ task: 'binary', classes: ['0', '1'] }, ['a', 'b'], 's3://x/dt=2026-12-04/')).toThrow(
      'performance "auto": the labels files of s3://x/dt=2026-12-04/ hold several label columns (a, b); give performance.labelColumn',
    );
    expect(autoPerformanceSpec({ task: 'binary', classes: ['0', '1'] }, [], 'p').labelColumn).toBe('label');
  });
});
