/**
 * Binary log-loss gradients and hessians, the one per-row exponential of a binary fit.
 *
 * V8 calls Math.exp out of line (fdlibm, ~20 ns here): measured, 1.48M rows took ~30 ms a pass,
 * 100 passes a fifth of the flights fit's CPU. `expNonPositive` computes the same value inline in
 * a few ns, to within 2 ulp of Math.exp (tests/ml/gbt-exp.test.ts); the gradients are then rounded
 * to float32, where a difference of 2 ulp of a double almost never shows.
 *
 * Self-contained on purpose (no imports, no module constants): histogram-pool.ts runs the very
 * same functions in its worker thread from their source text.
 */

/** e^x tables for `expNonPositive`: 2^(−j/64) for j < 64, then 2^(−q) for q ≤ 1022 (exact powers of two). */
export function expTables(): Float64Array {
  const t = new Float64Array(64 + 1023);
  for (let j = 0; j < 64; j++) t[j] = Math.pow(2, -j / 64);
  let p = 1;
  for (let q = 0; q <= 1022; q++, p /= 2) t[64 + q] = p;
  return t;
}

/**
 * e^x for x ≤ 0 (anything else, or x below −708 where results leave the normal range, goes to
 * Math.exp). With s = −x = m·ln2/64 + r, |r| ≤ ln2/128 and m = 64q + j:
 * e^x = 2^(−q) · 2^(−j/64) · e^(−r), e^(−r) by its Taylor series to r^6 (the next term is below
 * 10^−19 relative). ln2/64 is split in two (fdlibm's ln2_hi has 21 trailing zero bits) so that
 * m·hi is exact and r keeps its low bits; 2^(−q) is a power of two, so one product rounds.
 */
export function expNonPositive(x: number, t: Float64Array): number {
  const s = -x;
  if (!(s >= 0 && s <= 708)) return Math.exp(x);
  // s ≥ 0, so truncation is floor; small ints keep the table reads on V8's fast path.
  const m = (s * 92.33248261689366 + 0.5) | 0; // 64 / ln2
  const r = s - m * 0.01083042469326756 - m * 2.9815858269852933e-12; // ln2_hi / 64, ln2_lo / 64
  const j = m & 63;
  const q = m >> 6;
  const poly = 1 - r * (1 - r * (0.5 - r * (1 / 6 - r * (1 / 24 - r * (1 / 120 - r * (1 / 720))))));
  return (t[64 + q] as number) * (t[j] as number) * poly;
}

/**
 * Binary log loss at raw scores z (rows lo..hi−1): gradient w·(p − y) and hessian w·p·(1 − p), p =
 * sigmoid(z) as losses.ts's `sigmoid` (with `expNonPositive` for Math.exp), stored as float32
 * straight into the interleaved array the histograms read (row i at gh[2i], gh[2i+1]); w absent
 * = all 1. One pass, and each thread can take a range of rows.
 */
export function binaryGradients(
  raw: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  lo: number,
  hi: number,
  gh: Float32Array,
): void {
  const t = expTables();
  for (let i = lo; i < hi; i++) {
    const z = raw[i] as number;
    // e = exp(−|z|) is exp(−z) for z ≥ 0 and exp(z) below: the same two formulas, one exp.
    const e = expNonPositive(-Math.abs(z), t);
    const p = (z >= 0 ? 1 : e) / (1 + e);
    const wi = w ? (w[i] as number) : 1;
    gh[2 * i] = wi * (p - (y[i] as number));
    gh[2 * i + 1] = wi * p * (1 - p);
  }
}

/** The source text of the functions above, for a worker thread (which stubs esbuild's keepNames helper). */
export const BINARY_GRADIENTS_SOURCE = [expTables.toString(), expNonPositive.toString(), binaryGradients.toString()].join('\n');
