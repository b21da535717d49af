/**
 * Binary log-loss gradients and hessians, the one per-row exponential of a binary fit, computed by
 * kernels.wat's `binaryGradients` on the fit's kernel memory (./kernels/memory.ts).
 *
 * V8 calls Math.exp out of line (fdlibm, ~20 ns here): measured, 1.48M rows took ~30 ms a pass,
 * 100 passes a fifth of the flights fit's CPU. The kernels' `expNonPositive` computes the same
 * value inline in a few ns, to within 2 ulp of Math.exp (tests/ml/gbt-exp.test.ts); the gradients
 * are then rounded to float32, where a difference of 2 ulp of a double almost never shows.
 *
 * Self-contained on purpose (no imports, no module constants): histogram-pool.ts runs the very
 * same functions in its worker thread from their source text.
 */
import type { Kernels } from './kernels/memory';

/** The length of `fillExpTable`'s table. */
export const EXP_TABLE_LENGTH = 64 + 1023;

/**
 * Fills the e^x table of the kernels' `expNonPositive`: 2^(−j/64) for j < 64, then 2^(−q) for
 * q ≤ 1022 (exact powers of two). With s = −x = m·ln2/64 + r, |r| ≤ ln2/128 and m = 64q + j:
 * e^x = 2^(−q) · 2^(−j/64) · e^(−r), e^(−r) by its Taylor series to r^6.
 */
export function fillExpTable(t: Float64Array): Float64Array {
  for (let j = 0; j < 64; j++) t[j] = Math.pow(2, -j / 64);
  let p = 1;
  for (let q = 0; q <= 1022; q++, p /= 2) t[64 + q] = p;
  return t;
}

/**
 * Binary log loss at raw scores z (rows lo..hi−1): gradient w·(p − y) and hessian w·p·(1 − p), p =
 * sigmoid(z) as losses.ts's `sigmoid` (with the inline exponential for Math.exp), stored as float32
 * straight into the interleaved array the histograms read (row i at gh[2i], gh[2i+1]); w absent
 * = all 1. One pass, and each thread can take a range of rows. All arrays on the kernels' memory,
 * `expTable` filled by `fillExpTable`.
 */
export function binaryGradients(
  k: Kernels,
  raw: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  lo: number,
  hi: number,
  gh: Float32Array,
  expTable: Float64Array,
): void {
  k.binaryGradients(raw.byteOffset, y.byteOffset, w ? w.byteOffset : 0, lo, hi, gh.byteOffset, expTable.byteOffset);
}

/** The source text of the function above, for a worker thread (which stubs esbuild's keepNames helper). */
export const BINARY_GRADIENTS_SOURCE = binaryGradients.toString();

/** What binary log-loss gradients read, on the kernels' memory; weights absent = all 1. */
export interface BinaryTargets {
  raw: Float64Array;
  y: Float64Array;
  w: Float64Array | undefined;
  /** `fillExpTable`'s table. */
  exp: Float64Array;
}
