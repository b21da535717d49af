import { describe, expect, it } from 'vitest';
import { binaryGradients, EXP_TABLE_LENGTH, fillExpTable } from '../../ml/gbt/binary-gradients';
import { allocateKernelArrays } from '../../ml/gbt/kernels/memory';
import { createRng } from '../../ml/stats/random';

/** |a − b| in units in the last place of b. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.pow(2, Math.floor(Math.log2(Math.abs(b))) - 52);
}

describe('binary log-loss gradients: the inline exponential', () => {
  const { kernels, arrays } = allocateKernelArrays({ exp: ['f64', EXP_TABLE_LENGTH] } as const);
  const t = fillExpTable(arrays.exp);
  const expNonPositive = (x: number, table: Float64Array): number => kernels.expNonPositive(x, table.byteOffset);

  it('is within 2 ulp of Math.exp over the whole range it covers, and Math.exp itself outside it', () => {
    const r = createRng(11);
    let worst = 0;
    for (let k = 0; k < 300_000; k++) {
      // Wide range, the raw scores' usual range, tiny arguments, and the table's cut points.
      const x = k % 4 === 0 ? -r() * 708 : k % 4 === 1 ? -r() * 12 : k % 4 === 2 ? -r() * 1e-6 : -((k >> 2) % 4096) * (Math.LN2 / 64);
      worst = Math.max(worst, ulps(expNonPositive(x, t), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(expNonPositive(0, t)).toBe(1);
    expect(expNonPositive(-0, t)).toBe(1);
    for (const x of [-708.5, -745, -800, -Infinity, NaN, 0.5, 3]) expect(expNonPositive(x, t)).toBe(Math.exp(x));
  });

  it("gives the float32 gradients and hessians of the Math.exp formula (sklearn's), weighted and not", () => {
    const r = createRng(5);
    const n = 200_000;
    const m = allocateKernelArrays({
      raw: ['f64', n],
      y: ['f64', n],
      w: ['f64', n],
      gh: ['f32', 2 * n],
      exp: ['f64', EXP_TABLE_LENGTH],
    } as const);
    const { raw, y, w, gh: got } = m.arrays;
    raw.set(Float64Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? (r() - 0.5) * 80 : (r() - 0.5) * 10)));
    y.set(Float64Array.from({ length: n }, () => (r() < 0.2 ? 1 : 0)));
    w.set(Float64Array.from({ length: n }, () => 0.5 + r() * 2));
    for (const weights of [undefined, w]) {
      got.fill(NaN);
      binaryGradients(m.kernels, raw, y, weights, 0, n, got, fillExpTable(m.arrays.exp));
      const want = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const z = raw[i] as number;
        const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        const wi = weights ? (weights[i] as number) : 1;
        want[2 * i] = wi * (p - (y[i] as number));
        want[2 * i + 1] = wi * p * (1 - p);
      }
      let differ = 0;
      for (let k = 0; k < 2 * n; k++) if (got[k] !== want[k]) differ++;
      // A 2-ulp difference of a double can tip a float32 rounding, but almost never.
      expect(differ).toBeLessThanOrEqual(2);
    }
  });
});
