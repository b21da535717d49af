import { describe, expect, it } from 'vitest';
import { applyBins, binOf, fitBinEdges, MISSING_BIN } from '../../ml/gbt/binning';
import { fitGbt, fitGbtAsync, gbtFromJson, gbtProba, gbtRaw, gbtToJson } from '../../ml/gbt/gradient-boosting';
import { rocAuc } from '../../ml/metrics/auc';
import { rmse } from '../../ml/metrics/regression';
import { createRng } from '../../ml/stats/random';
import type { Matrix } from '../../ml/frame/matrix';

function randomMatrix(n: number, d: number, seed: number): Matrix {
  const r = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = r() * 2 - 1;
  return { data, rows: n, cols: d };
}

describe('binning', () => {
  it('few distinct values: edges are midpoints; NaN goes to the missing bin', () => {
    const x: Matrix = { data: Float64Array.from([1, 3, 3, 7, NaN]), rows: 5, cols: 1 };
    const edges = fitBinEdges(x, 255, 0);
    expect(Array.from(edges[0] as Float64Array)).toEqual([2, 5]);
    expect(Array.from(applyBins(x, edges))).toEqual([0, 1, 1, 2, MISSING_BIN]);
    expect(binOf(edges[0] as Float64Array, 2)).toBe(0); // v ≤ edge → that bin
  });

  it('many distinct values: at most maxBins bins of about equal counts', () => {
    const x = randomMatrix(10_000, 1, 3);
    const edges = fitBinEdges(x, 16, 0);
    expect((edges[0] as Float64Array).length).toBe(15);
    const counts = new Array<number>(16).fill(0);
    for (const b of applyBins(x, edges)) counts[b] = (counts[b] as number) + 1;
    for (const c of counts) expect(Math.abs(c - 625)).toBeLessThan(5);
  });
});

describe('histogram gradient boosting', () => {
  it('squared error: one tree with two leaves learns a step exactly (learning rate 1)', () => {
    const n = 100;
    const x: Matrix = { data: Float64Array.from({ length: n }, (_, i) => i), rows: n, cols: 1 };
    const y = Float64Array.from({ length: n }, (_, i) => (i < 40 ? 1 : 5));
    const m = fitGbt(x, y, { loss: 'squared_error', maxIter: 1, learningRate: 1, maxLeafNodes: 2, minSamplesLeaf: 1 });
    expect(m.baseline).toBeCloseTo(3.4, 12);
    expect(m.trees[0]?.threshold[0]).toBe(39.5);
    const pred = gbtRaw(m, x);
    // Gradients are float32 (as sklearn's), so the fit is exact to about 1e-7.
    for (let i = 0; i < n; i++) expect(pred[i]).toBeCloseTo(y[i] as number, 6);
  });

  it('squared error: boosting drives the training error down on a nonlinear target', () => {
    const x = randomMatrix(5000, 3, 4);
    const y = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(3 * (x.data[i * 3] as number)) + (x.data[i * 3 + 1] as number) ** 2);
    const few = fitGbt(x, y, { loss: 'squared_error', maxIter: 5 });
    const many = fitGbt(x, y, { loss: 'squared_error', maxIter: 100 });
    expect(rmse(y, gbtRaw(many, x))).toBeLessThan(rmse(y, gbtRaw(few, x)) / 3);
    expect(rmse(y, gbtRaw(many, x))).toBeLessThan(0.05);
  });

  it('log loss: learns an XOR a linear model cannot, respecting depth and leaf limits', () => {
    const x = randomMatrix(4000, 2, 5);
    const y = Int32Array.from({ length: 4000 }, (_, i) => ((x.data[2 * i] as number) > 0 !== (x.data[2 * i + 1] as number) > 0 ? 1 : 0));
    const m = fitGbt(x, y, { loss: 'log_loss', maxIter: 30, maxDepth: 2, maxLeafNodes: 3 });
    for (const t of m.trees) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(3);
    expect(rocAuc(y, gbtProba(m, x))).toBeGreaterThan(0.99);
  });

  it('is deterministic for a seed and round-trips through its JSON format', () => {
    const x = randomMatrix(3000, 4, 6);
    const y = Int32Array.from({ length: 3000 }, (_, i) => ((x.data[4 * i] as number) + 0.3 * (x.data[4 * i + 2] as number) > 0 ? 1 : 0));
    const a = fitGbt(x, y, { loss: 'log_loss', maxIter: 10, seed: 3 });
    const b = fitGbt(x, y, { loss: 'log_loss', maxIter: 10, seed: 3 });
    expect(gbtToJson(a)).toBe(gbtToJson(b));
    const back = gbtFromJson(gbtToJson(a));
    expect(back).toMatchObject({ format: 'tideflow.gbt', version: 3, loss: 'log_loss' });
    expect(Array.from(gbtProba(back, x))).toEqual(Array.from(gbtProba(a, x)));
    expect(() => gbtFromJson(JSON.stringify({ ...a, version: 4 }))).toThrow(/binary\/regression/);
  });

  it('two-thread histograms give exactly the single-thread model', () => {
    // Large enough that nodes above MIN_SHARED_ROWS really go to the second thread.
    const x = randomMatrix(30_000, 5, 8);
    const y = Int32Array.from({ length: 30_000 }, (_, i) => ((x.data[5 * i] as number) * (x.data[5 * i + 3] as number) > 0 ? 1 : 0));
    const one = fitGbt(x, y, { loss: 'log_loss', maxIter: 8, threads: 1 });
    const two = fitGbt(x, y, { loss: 'log_loss', maxIter: 8, threads: 2 });
    expect(gbtToJson(two)).toBe(gbtToJson(one));
  });

  it('two threads with sample weights (gradients computed half by each thread): exactly the single-thread model', () => {
    const x = randomMatrix(30_000, 4, 9);
    const y = Int32Array.from({ length: 30_000 }, (_, i) => ((x.data[4 * i + 1] as number) > 0.2 ? 1 : 0));
    const sampleWeight = Float64Array.from({ length: 30_000 }, (_, i) => 0.5 + (i % 7) / 3);
    const one = fitGbt(x, y, { loss: 'log_loss', maxIter: 6, threads: 1, sampleWeight });
    const two = fitGbt(x, y, { loss: 'log_loss', maxIter: 6, threads: 2, sampleWeight });
    expect(gbtToJson(two)).toBe(gbtToJson(one));
    expect(gbtToJson(two)).not.toBe(gbtToJson(fitGbt(x, y, { loss: 'log_loss', maxIter: 6, threads: 2 })));
  });

  it('the async fit gives the same model and reports each tree', async () => {
    const x = randomMatrix(2000, 3, 7);
    const y = Float64Array.from({ length: 2000 }, (_, i) => (x.data[3 * i] as number) * 2);
    const seen: number[] = [];
    const a = await fitGbtAsync(x, y, { loss: 'squared_error', maxIter: 5, onIteration: (i) => seen.push(i) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(gbtToJson(a)).toBe(gbtToJson(fitGbt(x, y, { loss: 'squared_error', maxIter: 5 })));
    expect(() => fitGbt(x, y, { loss: 'squared_error', maxIter: 0 })).toThrow(/maxIter/);
    const stop = (i: number): void => {
      if (i === 2) throw new Error('cancelled at tree 2');
    };
    expect(() => fitGbt(x, y, { loss: 'squared_error', maxIter: 5, threads: 2, onIteration: stop })).toThrow(/cancelled at tree 2/);
  });

  it('missing values go to their learned side; infinite values and single-class targets are refused', () => {
    const x: Matrix = { data: Float64Array.from([0, 1, 2, 3, NaN, NaN]), rows: 6, cols: 1 };
    const m = fitGbt(x, [0, 0, 0, 0, 1, 1], { loss: 'squared_error', maxIter: 1, learningRate: 1, maxLeafNodes: 2, minSamplesLeaf: 1 });
    expect(Array.from(gbtRaw(m, { data: Float64Array.from([NaN, 1.5]), rows: 2, cols: 1 }), (v) => Math.round(v * 1e6) / 1e6 + 0)).toEqual([
      1, 0,
    ]);
    expect(() => fitGbt({ data: Float64Array.from([Infinity, 1]), rows: 2, cols: 1 }, [0, 1], { loss: 'log_loss' })).toThrow(
      /row 0, column 0/,
    );
    expect(() => fitGbt(x, [1, 1, 1, 1, 1, 1], { loss: 'log_loss' })).toThrow(/single class/);
  });
});
