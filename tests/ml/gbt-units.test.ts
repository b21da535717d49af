import { describe, expect, it } from 'vitest';
import { accumulateUnits } from '../../ml/gbt/accumulate';
import { HB } from '../../ml/gbt/grower';
import { allocateKernelArrays } from '../../ml/gbt/kernels/memory';
import { planUnits } from '../../ml/gbt/units';
import { createRng } from '../../ml/stats/random';

/** n rows × 7 features, column-major and row-major: features 0, 2 and 5 in long runs (sorted, few values), the others random. */
function data(n: number): { col: Uint8Array; row: Uint8Array } {
  const r = createRng(7);
  const d = 7;
  const col = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    const runs = f === 0 || f === 2 || f === 5;
    for (let i = 0; i < n; i++) col[f * n + i] = runs ? Math.floor((i * (f + 3)) / n) : Math.floor(r() * 200);
  }
  // Some runs of the missing bin too.
  col.fill(255, 2 * n + 100, 2 * n + 180);
  const row = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) row[i * d + f] = col[f * n + i] as number;
  return { col, row };
}

describe('gbt histogram work units', () => {
  const n = 3000;
  const d = 7;
  const { col, row } = data(n);
  const r = createRng(3);
  // The kernels read the row-major bins, index, gradients and histogram on their memory.
  const { kernels, arrays } = allocateKernelArrays({
    row: ['u8', n * d],
    index: ['u32', n],
    gh: ['f32', 2 * n],
    hist: ['f64', d * HB],
  } as const);
  arrays.row.set(row);
  const gh = arrays.gh;
  for (let k = 0; k < 2 * n; k++) gh[k] = k % 2 === 0 ? r() * 2 - 1 : r() * 0.25;

  it('puts three run features in one unit with up to three plain ones, the rest three to a unit', () => {
    expect(Array.from(planUnits(col, n, d))).toEqual([0, 2, 5, 1, 3, 4, -1, -1, -1, 6, -1, -1]);
    expect(Array.from(planUnits(col, n, d, Infinity))).toEqual([-1, -1, -1, 0, 1, 2, -1, -1, -1, 3, 4, 5, -1, -1, -1, 6, -1, -1]);
  });

  it('gives the sums of a row-by-row reference, bit for bit, with the run kernel and without it, at the root and in a node', () => {
    const rows = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
    const index = arrays.index.subarray(0, rows.length);
    index.set(rows);
    for (const [identity, end] of [
      [true, n],
      [false, index.length],
    ] as const) {
      const hist = (units: Int32Array): Float64Array => {
        const h = arrays.hist.fill(NaN);
        accumulateUnits(kernels, arrays.row, d, index, gh, 0, end, identity, units, 0, units.length / 6, HB, h);
        return Float64Array.from(h);
      };
      // Each cell summed in row order, in plain JavaScript.
      const reference = new Float64Array(d * HB);
      for (let k = 0; k < end; k++) {
        const i = identity ? k : (index[k] as number);
        for (let f = 0; f < d; f++) {
          const c = f * HB + (row[i * d + f] as number) * 3;
          reference[c] = (reference[c] as number) + (gh[2 * i] as number);
          reference[c + 1] = (reference[c + 1] as number) + (gh[2 * i + 1] as number);
          reference[c + 2] = (reference[c + 2] as number) + 1;
        }
      }
      const runs = hist(planUnits(col, n, d));
      const plain = Array.from(hist(planUnits(col, n, d, Infinity)));
      expect(plain).toEqual(Array.from(reference));
      expect(Array.from(runs)).toEqual(plain);
      // The run kernel with two plain features along (and with none), the rest in plain passes.
      expect(Array.from(hist(Int32Array.from([0, 2, 5, 1, 3, -1, -1, -1, -1, 4, 6, -1])))).toEqual(plain);
      expect(Array.from(hist(Int32Array.from([0, 2, 5, -1, -1, -1, -1, -1, -1, 1, 3, 4, -1, -1, -1, 6, -1, -1])))).toEqual(plain);
      expect(runs.some((v) => Number.isNaN(v))).toBe(false);
    }
  });
});
