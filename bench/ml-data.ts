/**
 * Synthetic data for the ML training benchmarks: n × d features uniform in [−1, 1) from a seeded
 * PRNG, and a binary label drawn from a logistic model with a nonlinear part (a sine, an
 * interaction and a step), so both a linear model and trees have something to learn.
 */
import { InputError } from '../core/errors';
import type { Matrix } from '../ml/frame/matrix';
import { createRng } from '../ml/stats/random';

export function makeClassification(rows: number, cols: number, seed: number): { x: Matrix; y: Int32Array } {
  if (cols < 4) throw new InputError('need at least 4 features');
  const rand = createRng(seed);
  const data = new Float64Array(rows * cols);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) data[o + j] = rand() * 2 - 1;
    const a = data[o] as number;
    const z =
      Math.sin(3 * a) +
      a +
      2 * (data[o + 1] as number) * (data[o + 2] as number) +
      ((data[o + 3] as number) > 0.2 ? 1 : -0.5) -
      0.5 * (data[o + 4] as number);
    y[i] = rand() < 1 / (1 + Math.exp(-2 * z)) ? 1 : 0;
  }
  return { x: { data, rows, cols }, y };
}
