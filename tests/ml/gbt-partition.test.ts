/**
 * The tree grower's partitions (ml/gbt/accumulate.ts, ml/gbt/node-rows.ts): a node's rows are
 * split stably into the same positions of the other index array, the lower half forward and the
 * upper half backward (one per thread), meeting at the split's left count; and two-thread fits with
 * categorical features and missing values give exactly the single-thread model.
 */
import { describe, expect, it } from 'vitest';
import { partitionHalf } from '../../ml/gbt/accumulate';
import { allocateKernelArrays } from '../../ml/gbt/kernels/memory';
import { fitGbt, gbtToJson } from '../../ml/gbt/gradient-boosting';
import type { Matrix } from '../../ml/frame/matrix';
import { createRng } from '../../ml/stats/random';

/** The reference: rows going left in their order, then the others in theirs. */
function stableSplit(rows: number[], left: (i: number) => boolean): number[] {
  return [...rows.filter(left), ...rows.filter((i) => !left(i))];
}

describe('gbt partitions', () => {
  const n = 5000;
  const r = createRng(11);
  const { kernels, arrays } = allocateKernelArrays({
    bins: ['u8', 2 * n],
    goesLeft: ['u8', 256],
    src: ['u32', n],
    dst: ['u32', n],
  } as const);
  const { bins, goesLeft, src, dst } = arrays;
  bins.set(Uint8Array.from({ length: 2 * n }, () => (r() < 0.1 ? 255 : Math.floor(r() * 40))));
  goesLeft.set(Uint8Array.from({ length: 256 }, (_, b) => (b === 255 || b % 3 === 0 ? 1 : 0)));
  // A node: positions 700..3700 holding an ascending subset of the rows, feature 1 (column at n).
  const start = 700;
  const end = 3700;
  const rows = Array.from({ length: n }, (_, i) => i)
    .filter(() => r() < 0.7)
    .slice(0, end - start);
  const left = (i: number): boolean => goesLeft[bins[n + i] as number] === 1;
  const expected = stableSplit(rows, left);
  const nLeft = rows.filter(left).length;

  it.each([start, 1234, 2000, end])('lower half forward and upper half backward meet in the stable order (halves at %i)', (mid) => {
    src.fill(0);
    src.set(rows, start);
    dst.fill(0xffffffff);
    const node = { start, mid, end, split: start + nLeft };
    const l0 = partitionHalf(kernels, bins, n, src, dst, node, 0, goesLeft);
    const l1 = partitionHalf(kernels, bins, n, src, dst, node, 1, goesLeft);
    expect(l0 + l1).toBe(nLeft);
    expect(Array.from(dst.subarray(start, end))).toEqual(expected);
    // Nothing outside the node's positions is written.
    expect(dst.subarray(0, start).every((v) => v === 0xffffffff)).toBe(true);
    expect(dst.subarray(end).every((v) => v === 0xffffffff)).toBe(true);
  });

  it('two threads give exactly the single-thread model with categorical features and missing values', () => {
    // Large enough that nodes are summed in halves and partitioned by both threads.
    const rows = 40_000;
    const g = createRng(5);
    const data = new Float64Array(rows * 4);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const cat = Math.floor(g() * 30);
      const x1 = g() < 0.05 ? NaN : g() * 10;
      const x2 = Math.floor(i / 1000); // runs of equal values, in row order
      const cat2 = g() < 0.03 ? NaN : Math.floor(g() * 8);
      data.set([cat, x1, x2, cat2], 4 * i);
      y[i] = (cat % 4 === 0 ? 1 : 0) ^ (Number.isNaN(x1) || x1 > 7 ? 1 : 0) ^ (g() < 0.1 ? 1 : 0);
    }
    const x: Matrix = { data, rows, cols: 4, categorical: [true, false, false, true] };
    const one = fitGbt(x, y, { loss: 'log_loss', maxIter: 6, threads: 1 });
    const two = fitGbt(x, y, { loss: 'log_loss', maxIter: 6, threads: 2 });
    expect(gbtToJson(two)).toBe(gbtToJson(one));
  });
});
