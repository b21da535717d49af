import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../ml/linear/lbfgs';
import { fitLogistic, logisticFromJson, logisticProba, logisticToJson } from '../../ml/linear/logistic';
import { choleskySolve, fitRidge, ridgeFromJson, ridgePredict, ridgeToJson } from '../../ml/linear/ridge';
import { accuracy, argmaxRows } from '../../ml/metrics/classification';
import { createRng } from '../../ml/stats/random';
import type { Matrix } from '../../ml/frame/matrix';

function randomMatrix(n: number, d: number, seed: number): Matrix {
  const r = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = r() * 2 - 1;
  return { data, rows: n, cols: d };
}

describe('L-BFGS', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = minimizeLbfgs(
      (x, g) => {
        const a = x[0] as number;
        const b = x[1] as number;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { maxIterations: 500, gradientTolerance: 1e-10, relativeTolerance: 0 },
    );
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });
});

describe('logistic regression (L-BFGS)', () => {
  const x = randomMatrix(5000, 3, 1);
  const trueW = [2, -1, 0.5];
  const r = createRng(2);
  const y = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let z = -0.3;
    for (let j = 0; j < 3; j++) z += (trueW[j] as number) * (x.data[i * 3 + j] as number);
    y[i] = r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }

  it('binary: recovers the generating weights and reaches a zero gradient', () => {
    const fit = fitLogistic(x, y, 2, { l2: 0 });
    expect(fit.converged).toBe(true);
    trueW.forEach((w, j) => expect(Math.abs((fit.model.weights[j] as number) - w)).toBeLessThan(0.25));
    const p = logisticProba(fit.model, x);
    for (let i = 0; i < 10; i++) expect((p[2 * i] as number) + (p[2 * i + 1] as number)).toBeCloseTo(1, 12);
  });

  it('L2 shrinks the weights', () => {
    const loose = fitLogistic(x, y, 2, { l2: 0 }).model.weights;
    const tight = fitLogistic(x, y, 2, { l2: 1 }).model.weights;
    const norm = (w: Float64Array): number => w.reduce((s, v) => s + v * v, 0);
    expect(norm(tight)).toBeLessThan(norm(loose) / 2);
  });

  it('is deterministic and round-trips through its JSON format', () => {
    const a = fitLogistic(x, y, 2, { l2: 0.01 });
    const b = fitLogistic(x, y, 2, { l2: 0.01 });
    expect(Array.from(a.model.weights)).toEqual(Array.from(b.model.weights));
    const json = JSON.parse(JSON.stringify(logisticToJson(a.model))) as ReturnType<typeof logisticToJson>;
    expect(json).toMatchObject({ format: 'tideflow.logistic-regression', version: 1, numClasses: 2 });
    expect(Array.from(logisticProba(logisticFromJson(json), x))).toEqual(Array.from(logisticProba(a.model, x)));
    expect(() => logisticFromJson({ ...json, version: 2 as 1 })).toThrow(/version-1/);
  });

  it('multinomial: separates three regions', () => {
    const y3 = new Int32Array(x.rows);
    for (let i = 0; i < x.rows; i++) y3[i] = (x.data[i * 3] as number) > 0.3 ? 2 : (x.data[i * 3 + 1] as number) > 0 ? 1 : 0;
    const fit = fitLogistic(x, y3, 3, { l2: 1e-4 });
    expect(accuracy(y3, argmaxRows(logisticProba(fit.model, x), 3))).toBeGreaterThan(0.97);
    expect(logisticToJson(fit.model).weights).toHaveLength(3);
  });

  it('rejects a single-class target and non-finite features', () => {
    expect(() => fitLogistic(x, new Int32Array(x.rows), 2, { l2: 0 })).toThrow(/single class/);
    const bad = { ...x, data: x.data.slice() };
    bad.data[7] = NaN;
    expect(() => fitLogistic(bad, y, 2, { l2: 0 })).toThrow(/row 2, column 1/);
  });
});

describe('linear / ridge regression (normal equations, Cholesky)', () => {
  it('Cholesky solves a known system', () => {
    // [[4, 2], [2, 3]]·x = [2, 1] → x = [0.5, 0]
    expect(Array.from(choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2))).toEqual([0.5, 0]);
  });

  it('recovers exact linear data (OLS) and predicts it', () => {
    const x = randomMatrix(200, 3, 5);
    const y = new Float64Array(200);
    for (let i = 0; i < 200; i++)
      y[i] = 1.5 + 2 * (x.data[i * 3] as number) - 3 * (x.data[i * 3 + 1] as number) + 0.25 * (x.data[i * 3 + 2] as number);
    const m = fitRidge(x, y);
    [2, -3, 0.25].forEach((w, j) => expect(m.weights[j]).toBeCloseTo(w, 10));
    expect(m.intercept).toBeCloseTo(1.5, 10);
    const pred = ridgePredict(m, x);
    for (let i = 0; i < 200; i++) expect(pred[i]).toBeCloseTo(y[i] as number, 9);
  });

  it('ridge with one feature equals Sxy / (Sxx + alpha)', () => {
    const x: Matrix = { data: Float64Array.from([1, 2, 3, 4]), rows: 4, cols: 1 };
    const y = [2, 4, 5, 8];
    // centred: x − 2.5 = [−1.5, −0.5, 0.5, 1.5], y − 4.75 = [−2.75, −0.75, 0.25, 3.25]; Sxx = 5, Sxy = 9.5
    const m = fitRidge(x, y, 1);
    expect(m.weights[0]).toBeCloseTo(9.5 / 6, 14);
    expect(m.intercept).toBeCloseTo(4.75 - 2.5 * (9.5 / 6), 14);
    expect(ridgeFromJson(JSON.parse(JSON.stringify(ridgeToJson(m))) as ReturnType<typeof ridgeToJson>)).toEqual(m);
  });

  it('names collinear features instead of returning garbage', () => {
    const x: Matrix = { data: Float64Array.from([1, 2, 2, 4, 3, 6]), rows: 3, cols: 2 };
    expect(() => fitRidge(x, [1, 2, 3])).toThrow(/positive definite/);
    expect(fitRidge(x, [1, 2, 3], 0.1).weights).toHaveLength(2);
  });
});
