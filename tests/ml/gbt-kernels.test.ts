/**
 * The WebAssembly kernels of gradient boosting (ml/gbt/kernels): the committed module is the
 * assembly of its source, leaf values land on the right rows whichever way the positions are cut
 * between threads, and a fit too large for one wasm32 memory is refused by name. The histogram,
 * partition and gradient kernels are checked against JavaScript references in gbt-units,
 * gbt-partition and gbt-exp.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleKernels, BINARY_PATH, binarySource } from '../../infra/build-kernels';
import { addLeafRange } from '../../ml/gbt/accumulate';
import { allocateKernelArrays } from '../../ml/gbt/kernels/memory';
import { InputError } from '../../core/errors';
import { createRng } from '../../ml/stats/random';

describe('gbt WebAssembly kernels', () => {
  it('ship the module that kernels.wat assembles to (run npx tsx infra/build-kernels.ts after editing it)', async () => {
    expect(readFileSync(BINARY_PATH, 'utf8')).toBe(binarySource(await assembleKernels()));
  }, 30_000);

  it('add each leaf value to the raw scores of its rows and reset the index, however the positions are cut', () => {
    const n = 1000;
    const r = createRng(4);
    const { kernels, arrays } = allocateKernelArrays({
      index: ['u32', n],
      alt: ['u32', n],
      raw: ['f64', n],
      leaves: ['f64', 4 * 3],
    } as const);
    // Three leaves: positions 0..299 of alt, 300..799 of index, 800..999 of alt, rows shuffled.
    const perm = Array.from({ length: n }, (_, i) => i).sort(() => r() - 0.5);
    const ranges = [
      [0, 300, 0.5, 1],
      [300, 800, -0.25, 0],
      [800, 1000, 2, 1],
    ] as const;
    const base = Float64Array.from({ length: n }, () => r());
    const want = Float64Array.from(base);
    for (const [start, end, value] of ranges)
      for (let p = start; p < end; p++) {
        const i = perm[p] as number;
        want[i] = (want[i] as number) + value;
      }
    for (const cut of [0, 1, 299, 300, 555, 1000]) {
      arrays.index.set(perm);
      arrays.alt.set(perm);
      arrays.raw.set(base);
      ranges.forEach((leaf, j) => arrays.leaves.set(leaf, 4 * j));
      addLeafRange(kernels, arrays.leaves, 3, arrays.index, arrays.alt, arrays.raw, 0, cut);
      addLeafRange(kernels, arrays.leaves, 3, arrays.index, arrays.alt, arrays.raw, cut, n);
      expect(Array.from(arrays.raw)).toEqual(Array.from(want));
      expect(Array.from(arrays.index)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it("reuse a finished fit's memory, zeroed and grown when the next needs more, and never one still in use", () => {
    const first = allocateKernelArrays({ a: ['f64', 1000] } as const);
    first.arrays.a.fill(7);
    const concurrent = allocateKernelArrays({ a: ['f64', 1000] } as const);
    expect(concurrent.memory).not.toBe(first.memory);
    first.release();
    first.release(); // a second release is a no-op, not a second idle entry
    const next = allocateKernelArrays({ a: ['f64', 1000] } as const);
    expect(next.memory).toBe(first.memory);
    expect(next.arrays.a.every((v) => v === 0)).toBe(true);
    const other = allocateKernelArrays({ a: ['f64', 1000] } as const);
    expect(other.memory).not.toBe(first.memory);
    next.release();
    // Grown: the kernels reach arrays past the old end.
    const larger = allocateKernelArrays({ pad: ['u8', 900_000], raw: ['f64', 4], index: ['u32', 4], leaves: ['f64', 4] } as const);
    expect(larger.memory).toBe(first.memory);
    const { raw, index, leaves } = larger.arrays;
    expect(raw.byteOffset).toBeGreaterThan(900_000);
    index.set([3, 2, 1, 0]);
    leaves.set([0, 4, 2.5, 0]);
    addLeafRange(larger.kernels, leaves, 1, index, index, raw, 0, 4);
    expect(Array.from(raw)).toEqual([2.5, 2.5, 2.5, 2.5]);
    for (const m of [concurrent, other, larger]) m.release();
  });

  it('refuses a fit whose arrays pass 4 GiB, saying how much it needs', () => {
    expect(() => allocateKernelArrays({ bins: ['u8', 2 ** 31], raw: ['f64', 2 ** 28] } as const)).toThrow(InputError);
    expect(() => allocateKernelArrays({ raw: ['f64', 2 ** 29 + 1] } as const)).toThrow(/needs 4\.0 GiB .* at most 4 GiB/);
  });
});
