/** Performance metrics of a production window (pure), hand-computed: which rows are scored, classes, binary/multiclass/regression. */
import { describe, expect, it } from 'vitest';
import type { PerformanceSpec } from '../../ml/drift/performance';
import { windowMetrics } from '../../ml/drift/performance-window';

const cls = (metrics: PerformanceSpec['metrics'], o: Partial<PerformanceSpec> = {}): PerformanceSpec => ({
  predictionColumn: 'pred',
  labelColumn: 'label',
  probabilityColumn: 'p',
  task: 'classification',
  minLabeledRows: 1,
  metrics,
  ...o,
});
const all = (...names: PerformanceSpec['metrics'][number]['name'][]): PerformanceSpec['metrics'] =>
  names.map((name) => ({ name, maxDrop: 0.05 }));

describe('windowMetrics: classification', () => {
  it("binary 0/1: sklearn's classic example; rows without a label or a prediction are ignored and counted", () => {
    const rows = [
      { label: 0, pred: 0, p: 0.1 },
      { label: 0, pred: 0, p: 0.4 },
      { label: 1, pred: 0, p: 0.35 },
      { label: 1, pred: 1, p: 0.8 },
      { label: null, pred: 1, p: 0.9 },
      { label: 'NA', pred: 1, p: 0.9 },
      { label: 1, pred: null, p: null },
    ];
    const w = windowMetrics(rows, cls(all('accuracy', 'f1', 'precision', 'recall', 'roc_auc', 'log_loss', 'macro_f1')), ['NA']);
    expect(w).toMatchObject({ rows: 7, labeledRows: 4, missingLabel: 2, missingPrediction: 1, classes: ['0', '1'], errors: {} });
    expect(w.values.accuracy).toBe(0.75);
    // Positive class 1: TP 1, FP 0, FN 1.
    expect(w.values.precision).toBe(1);
    expect(w.values.recall).toBe(0.5);
    expect(w.values.f1).toBeCloseTo(2 / 3, 15);
    // Class 0: TP 2, FP 1, FN 0 → F1 0.8; class 1 → 2/3.
    expect(w.values.macro_f1).toBeCloseTo((0.8 + 2 / 3) / 2, 15);
    expect(w.values.roc_auc).toBe(0.75);
    expect(w.values.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, 15);
  });

  it('multiclass text labels: macro F1 over the classes, OvR AUC and log loss from {class: p} objects (or their JSON text)', () => {
    const p = (truth: string) => Object.fromEntries(['a', 'b', 'c'].map((c) => [c, c === truth ? 0.6 : 0.2]));
    const rows = [
      { label: 'a', pred: 'a', p: p('a') },
      { label: 'a', pred: 'b', p: p('a') },
      { label: 'b', pred: 'b', p: JSON.stringify(p('b')) },
      { label: 'b', pred: 'b', p: p('b') },
      { label: 'c', pred: 'c', p: p('c') },
      { label: 'c', pred: 'a', p: p('c') },
    ];
    const w = windowMetrics(rows, cls(all('accuracy', 'macro_f1', 'f1', 'roc_auc', 'log_loss')));
    expect(w.classes).toEqual(['a', 'b', 'c']);
    expect(w.values.accuracy).toBeCloseTo(4 / 6, 15);
    // a: TP1 FP1 FN1 → 0.5; b: TP2 FP1 FN0 → 0.8; c: TP1 FP0 FN1 → 2/3. 'f1' on > 2 classes is macro too.
    expect(w.values.macro_f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 15);
    expect(w.values.f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 15);
    expect(w.values.roc_auc).toBe(1);
    expect(w.values.log_loss).toBeCloseTo(-Math.log(0.6), 15);
  });

  it('1, "1" and 1.0 are one class', () => {
    const w = windowMetrics(
      [
        { label: 1, pred: '1' },
        { label: '0', pred: 0 },
        { label: 1.0, pred: 0 },
      ],
      cls(all('accuracy'), { probabilityColumn: undefined }),
    );
    expect(w.classes).toEqual(['0', '1']);
    expect(w.values.accuracy).toBeCloseTo(2 / 3, 15);
  });

  it('text classes: binary metrics need positiveLabel, and say so; with it they are computed', () => {
    const rows = [
      { label: 'yes', pred: 'yes' },
      { label: 'no', pred: 'yes' },
      { label: 'yes', pred: 'no' },
      { label: 'yes', pred: 'yes' },
    ];
    const without = windowMetrics(rows, cls(all('accuracy', 'f1'), { probabilityColumn: undefined }));
    expect(without.values).toEqual({ accuracy: 0.5 });
    expect(without.errors.f1).toBe('binary f1 needs performance.positiveLabel (classes: no, yes)');
    // yes: TP 2, FP 1, FN 1 → F1 2/3.
    expect(windowMetrics(rows, cls(all('f1'), { probabilityColumn: undefined, positiveLabel: 'yes' })).values.f1).toBeCloseTo(2 / 3, 15);
  });

  it('a metric the window cannot compute carries the reason: one class only for roc_auc, a missing probability', () => {
    const one = windowMetrics(
      [
        { label: 1, pred: 1, p: 0.9 },
        { label: 1, pred: 0, p: 0.3 },
      ],
      cls(all('roc_auc', 'accuracy')),
    );
    expect(one.values).toEqual({ accuracy: 0.5 });
    expect(one.errors.roc_auc).toMatch(/only one class/);
    const noP = windowMetrics(
      [
        { label: 1, pred: 1, p: 0.9 },
        { label: 0, pred: 0 },
      ],
      cls(all('log_loss')),
    );
    expect(noP.errors.log_loss).toBe("row 1 has a label and a prediction but no 'p'");
  });

  it('no label column at all: 0 labeled rows, and a note saying so; no prediction column: an error naming it', () => {
    const w = windowMetrics([{ pred: 1 }, { pred: 0 }], cls(all('accuracy')));
    expect(w).toMatchObject({ rows: 2, labeledRows: 0, missingLabel: 2, note: "the window has no label column 'label'" });
    expect(() => windowMetrics([{ label: 1, prediction: 1 }], cls(all('accuracy')))).toThrow(
      "performance.predictionColumn 'pred' is not in the window (columns: label, prediction)",
    );
    expect(() => windowMetrics([{ label: { x: 1 }, pred: 1 }], cls(all('accuracy')))).toThrow(
      `row 0: column 'label' holds {"x":1}, not a class label`,
    );
  });
});

describe('windowMetrics: regression', () => {
  const reg: PerformanceSpec = {
    predictionColumn: 'yhat',
    labelColumn: 'y',
    task: 'regression',
    minLabeledRows: 1,
    metrics: [
      { name: 'rmse', maxDrop: 1 },
      { name: 'mae', maxDrop: 1 },
      { name: 'r2', maxDrop: 1 },
    ],
  };

  it("sklearn's doc example y = [3, −0.5, 2, 7], ŷ = [2.5, 0, 2, 8] (numeric text accepted)", () => {
    const rows = [
      { y: 3, yhat: 2.5 },
      { y: '-0.5', yhat: 0 },
      { y: 2, yhat: '2' },
      { y: 7, yhat: 8 },
      { y: '', yhat: 1 },
    ];
    const w = windowMetrics(rows, reg);
    expect(w).toMatchObject({ rows: 5, labeledRows: 4, missingLabel: 1 });
    expect(w.values.rmse).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(w.values.mae).toBe(0.5);
    // mean 2.875, SS_tot 29.1875, SS_res 1.5.
    expect(w.values.r2).toBeCloseTo(1 - 1.5 / 29.1875, 15);
  });

  it('a non-numeric value is an error naming the column and the row', () => {
    expect(() =>
      windowMetrics(
        [
          { y: 1, yhat: 1 },
          { y: 'abc', yhat: 2 },
        ],
        reg,
      ),
    ).toThrow(`row 1: column 'y' holds "abc", not a finite number`);
  });
});
