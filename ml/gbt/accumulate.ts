/**
 * The histogram inner loops: a node's rows added into the (gradient, hessian, count) cells of
 * features f0..f1−1, reading the row-major bins (row i's features at i·d…), up to three features
 * per pass over the rows. One cache line per row serves all its features, and three features per
 * pass keep three independent add chains busy (a feature with few bins, or rows sorted by it,
 * adds into the same cell row after row). Every cell is summed in row order whatever the
 * grouping, so any grouping, and either thread, gives the same sums.
 *
 * Self-contained on purpose (no imports, no module constants): histogram-pool.ts runs the very
 * same functions in its worker thread from their source text.
 */

/** `base` = f0 × (doubles per feature); `hb` = doubles per feature. */
export function accumulateRange(
  bins: Uint8Array,
  d: number,
  index: Uint32Array,
  gh: Float64Array,
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
  gh: Float64Array,
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
    const r = (identity ? start + k : (index[start + k] as number)) * d + f;
    const g = gh[2 * k] as number;
    const h = gh[2 * k + 1] as number;
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
  gh: Float64Array,
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
    const r = (identity ? start + k : (index[start + k] as number)) * d + f;
    const g = gh[2 * k] as number;
    const h = gh[2 * k + 1] as number;
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
  gh: Float64Array,
  start: number,
  end: number,
  identity: boolean,
  f: number,
  a: number,
  hist: Float64Array,
): void {
  const m = end - start;
  for (let k = 0; k < m; k++) {
    const p = a + (bins[(identity ? start + k : (index[start + k] as number)) * d + f] as number) * 3;
    hist[p] = (hist[p] as number) + (gh[2 * k] as number);
    hist[p + 1] = (hist[p + 1] as number) + (gh[2 * k + 1] as number);
    hist[p + 2] = (hist[p + 2] as number) + 1;
  }
}

/** The source text of the functions above, for a worker thread (esbuild's keepNames helper stubbed). */
export const ACCUMULATE_SOURCE = [
  'const __name = (f) => f;',
  accumulateRange.toString(),
  accumulateTrio.toString(),
  accumulatePair.toString(),
  accumulateOne.toString(),
].join('\n');
