import { describe, expect, it } from 'vitest';
import { matrixFromRows, predictProba, trainSoftmax, trainSoftmaxAsync, type Matrix } from '../../activities/ml/lib/logreg';
import { accuracy, argmaxRows } from '../../activities/ml/lib/metrics';

/** Three well-separated blobs in 2-D, one per class. */
function blobs(): { x: Matrix; y: Int32Array } {
  const centers = [
    [-3, 0],
    [3, 0],
    [0, 4],
  ];
  const rows: number[][] = [];
  const labels: number[] = [];
  centers.forEach(([cx, cy], c) => {
    for (let i = 0; i < 10; i++) {
      const dx = ((i % 5) - 2) * 0.3;
      const dy = (Math.floor(i / 5) - 0.5) * 0.6;
      rows.push([(cx as number) + dx, (cy as number) + dy]);
      labels.push(c);
    }
  });
  return { x: matrixFromRows(rows, 2), y: Int32Array.from(labels) };
}

describe('softmax regression trainer', () => {
  const opts = { l2: 0.01, learningRate: 0.5, epochs: 2000, seed: 7 };

  it('fits a separable toy set perfectly and the objective falls', () => {
    const { x, y } = blobs();
    const losses: number[] = [];
    const fit = trainSoftmax(x, y, 3, { ...opts, onEpoch: (_e, loss) => losses.push(loss) });
    const proba = predictProba(fit.model, x);
    expect(accuracy(y, argmaxRows(proba, 3))).toBe(1);
    expect(fit.finalLoss).toBeLessThan(0.2);
    expect(losses[0]).toBeGreaterThan(1); // ≈ ln 3 at the near-zero start
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual((losses[i - 1] as number) + 1e-12);
    for (let i = 0; i < x.rows; i++) {
      const row = Array.from(proba.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    }
  });

  it('stops early once the gradient vanishes (L2 makes the optimum unique)', () => {
    const { x, y } = blobs();
    const fit = trainSoftmax(x, y, 3, { l2: 0.1, learningRate: 0.5, epochs: 20_000, seed: 1 });
    expect(fit.converged).toBe(true);
    expect(fit.epochsRun).toBeLessThan(20_000);
    // Convex objective: another seed reaches the same weights.
    const other = trainSoftmax(x, y, 3, { l2: 0.1, learningRate: 0.5, epochs: 20_000, seed: 99 });
    for (let i = 0; i < fit.model.weights.length; i++) expect(other.model.weights[i]).toBeCloseTo(fit.model.weights[i] as number, 4);
  });

  it('is deterministic for a seed, and the seed changes the starting point', () => {
    const { x, y } = blobs();
    const a = trainSoftmax(x, y, 3, { ...opts, epochs: 50 });
    const b = trainSoftmax(x, y, 3, { ...opts, epochs: 50 });
    const c = trainSoftmax(x, y, 3, { ...opts, epochs: 50, seed: 8 });
    expect(Array.from(b.model.weights)).toEqual(Array.from(a.model.weights));
    expect(Array.from(b.model.bias)).toEqual(Array.from(a.model.bias));
    expect(Array.from(c.model.weights)).not.toEqual(Array.from(a.model.weights));
  });

  it('gives the same model when driven asynchronously', async () => {
    const { x, y } = blobs();
    const sync = trainSoftmax(x, y, 3, { ...opts, epochs: 300 });
    const async = await trainSoftmaxAsync(x, y, 3, { ...opts, epochs: 300 }, 0);
    expect(Array.from(async.model.weights)).toEqual(Array.from(sync.model.weights));
    expect(async.epochsRun).toBe(sync.epochsRun);
  });

  it('rejects bad inputs with RangeError (non-retryable in the DAG)', () => {
    const { x, y } = blobs();
    expect(() => trainSoftmax(x, y, 1, opts)).toThrow(RangeError);
    expect(() => trainSoftmax(x, y.subarray(1), 3, opts)).toThrow(/labels/);
    expect(() => trainSoftmax(x, y, 3, { ...opts, learningRate: 0 })).toThrow(/learningRate/);
    expect(() => trainSoftmax(x, Int32Array.from(y, () => 5), 3, opts)).toThrow(/outside/);
    expect(() => trainSoftmax(x, y, 3, { ...opts, learningRate: 1e6 })).toThrow(/diverged/);
  });
});
