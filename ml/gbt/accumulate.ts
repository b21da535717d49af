/**
 * The inner loops of tree growing. Histograms: a node's rows added into the (gradient, hessian, count) cells of
 * features f0..f1−1, reading the row-major bins (row i's features at i·d…), up to three features
 * per pass over the rows. One cache line per row serves all its features, and three features per
 * pass keep three independent add chains busy (a feature with few bins, or rows sorted by it,
 * adds into the same cell row after row). Every cell is summed in row order whatever the
 * grouping, so any grouping, and either thread, gives the same sums.
 *
 * Gradients and hessians are read per row (row i at gh[2i], gh[2i+1]), next to its bins: float32
 * as computed (losses.ts), so 8 bytes a row; widening to double is exact, the sums are the same.
 *
 * Self-contained on purpose (no imports, no module constants): histogram-pool.ts runs the very
 * same functions in its worker thread from their source text.
 */

/** `base` = f0 × (doubles per feature); `hb` = doubles per feature. */
export function accumulateRange(
  bins: Uint8Array,
  d: number,
  index: Uint32Array,
  gh: Float32Array,
  start: number,
  end: number,
  identity: boolean,
  f0: number,
  f1: number,
  hb: number,
  hist: Float64Array,
): void {
  hist.fill(0, f0 * hb, f1 * hb);
  let f = f0;
  for (; f + 2 < f1; f += 3) accumulateTrio(bins, d, index, gh, start, end, identity, f, f * hb, hb, hist);
  if (f + 1 < f1) accumulatePair(bins, d, index, gh, start, end, identity, f, f * hb, hb, hist);
  else if (f < f1) accumulateOne(bins, d, index, gh, start, end, identity, f, f * hb, hist);
}

export function accumulateTrio(
  bins: Uint8Array,
  d: number,
  index: Uint32Array,
  gh: Float32Array,
  start: number,
  end: number,
  identity: boolean,
  f: number,
  a: number,
  hb: number,
  hist: Float64Array,
): void {
  const m = end - start;
  const b = a + hb;
  const c = b + hb;
  for (let k = 0; k < m; k++) {
    const i = identity ? start + k : (index[start + k] as number);
    const r = i * d + f;
    const g = gh[2 * i] as number;
    const h = gh[2 * i + 1] as number;
    const p = a + (bins[r] as number) * 3;
    const q = b + (bins[r + 1] as number) * 3;
    const s = c + (bins[r + 2] as number) * 3;
    hist[p] = (hist[p] as number) + g;
    hist[q] = (hist[q] as number) + g;
    hist[s] = (hist[s] as number) + g;
    hist[p + 1] = (hist[p + 1] as number) + h;
    hist[q + 1] = (hist[q + 1] as number) + h;
    hist[s + 1] = (hist[s + 1] as number) + h;
    hist[p + 2] = (hist[p + 2] as number) + 1;
    hist[q + 2] = (hist[q + 2] as number) + 1;
    hist[s + 2] = (hist[s + 2] as number) + 1;
  }
}

export function accumulatePair(
  bins: Uint8Array,
  d: number,
  index: Uint32Array,
  gh: Float32Array,
  start: number,
  end: number,
  identity: boolean,
  f: number,
  a: number,
  hb: number,
  hist: Float64Array,
): void {
  const m = end - start;
  const b = a + hb;
  for (let k = 0; k < m; k++) {
    const i = identity ? start + k : (index[start + k] as number);
    const r = i * d + f;
    const g = gh[2 * i] as number;
    const h = gh[2 * i + 1] as number;
    const p = a + (bins[r] as number) * 3;
    const q = b + (bins[r + 1] as number) * 3;
    hist[p] = (hist[p] as number) + g;
    hist[q] = (hist[q] as number) + g;
    hist[p + 1] = (hist[p + 1] as number) + h;
    hist[q + 1] = (hist[q + 1] as number) + h;
    hist[p + 2] = (hist[p + 2] as number) + 1;
    hist[q + 2] = (hist[q + 2] as number) + 1;
  }
}

export function accumulateOne(
  bins: Uint8Array,
  d: number,
  index: Uint32Array,
  gh: Float32Array,
  start: number,
  end: number,
  identity: boolean,
  f: number,
  a: number,
  hist: Float64Array,
): void {
  const m = end - start;
  for (let k = 0; k < m; k++) {
    const i = identity ? start + k : (index[start + k] as number);
    const p = a + (bins[i * d + f] as number) * 3;
    hist[p] = (hist[p] as number) + (gh[2 * i] as number);
    hist[p + 1] = (hist[p + 1] as number) + (gh[2 * i + 1] as number);
    hist[p + 2] = (hist[p + 2] as number) + 1;
  }
}

/**
 * Stable partition of index[lo..hi) by the bins of one feature (column-major, column at `col`):
 * rows going left are written back from index[lo] on, rows going right to scratch[sOff…]; returns
 * the left count. Branchless (the outcome is unpredictable): write both sides, advance one; safe
 * in place since the left write position never passes the read position.
 */
export function partitionRange(
  bins: Uint8Array,
  col: number,
  index: Uint32Array,
  scratch: Uint32Array,
  lo: number,
  hi: number,
  sOff: number,
  goesLeft: Uint8Array,
): number {
  let l = lo;
  let r = sOff;
  for (let k = lo; k < hi; k++) {
    const i = index[k] as number;
    const left = goesLeft[bins[col + i] as number] as number;
    index[l] = i;
    scratch[r] = i;
    l += left;
    r += 1 - left;
  }
  return l - lo;
}

/**
 * Binary log loss at raw scores z (rows lo..hi−1): gradient w·(p − y) and hessian w·p·(1 − p), p =
 * sigmoid(z) computed as losses.ts's `sigmoid`, stored as float32 straight into the interleaved
 * array the histograms read (row i at gh[2i], gh[2i+1]); w absent = all 1. One pass, and each
 * thread can take a range of rows.
 */
export function binaryGradients(
  raw: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  lo: number,
  hi: number,
  gh: Float32Array,
): void {
  for (let i = lo; i < hi; i++) {
    const z = raw[i] as number;
    // e = exp(−|z|) is exp(−z) for z ≥ 0 and exp(z) below: the same two formulas, one exp.
    const e = Math.exp(-Math.abs(z));
    const p = (z >= 0 ? 1 : e) / (1 + e);
    const wi = w ? (w[i] as number) : 1;
    gh[2 * i] = wi * (p - (y[i] as number));
    gh[2 * i + 1] = wi * p * (1 - p);
  }
}

/**
 * After a tree: adds each leaf's value to the raw scores of its rows that sit at positions
 * lo..hi−1 of `index`, and resets those positions to the identity for the next tree. Leaf j is
 * leaves[3j] (start), leaves[3j+1] (end), leaves[3j+2] (value), j < count. Each row gets exactly
 * one add, so any split of the positions between threads gives the same scores.
 */
export function addLeafRange(leaves: Float64Array, count: number, index: Uint32Array, raw: Float64Array, lo: number, hi: number): void {
  for (let j = 0; j < count; j++) {
    const end = Math.min(hi, leaves[3 * j + 1] as number);
    const v = leaves[3 * j + 2] as number;
    for (let r = Math.max(lo, leaves[3 * j] as number); r < end; r++) {
      const i = index[r] as number;
      raw[i] = (raw[i] as number) + v;
      index[r] = r;
    }
  }
}

/** The source text of the functions above, for a worker thread (esbuild's keepNames helper stubbed). */
export const ACCUMULATE_SOURCE = [
  'const __name = (f) => f;',
  accumulateRange.toString(),
  accumulateTrio.toString(),
  accumulatePair.toString(),
  accumulateOne.toString(),
  partitionRange.toString(),
  binaryGradients.toString(),
  addLeafRange.toString(),
].join('\n');
