/**
 * The inner loops of tree growing, as the JavaScript both threads call: each hands typed arrays on
 * the fit's kernel memory (./kernels/memory.ts) to the WebAssembly kernels (./kernels/kernels.wat)
 * by their byte offsets. In WebAssembly the loops run without a bounds check or a number check per
 * access: the histogram loop of the flights fit ~1.9× as fast as the JavaScript it replaced, with
 * the same sums.
 *
 * Histograms: a node's rows added into the (gradient, hessian, count) cells of the features of
 * some work units (./units.ts), reading the row-major bins (row i's features at i·d…) and the
 * interleaved float32 gradients/hessians (row i at gh[2i], gh[2i+1]). Every cell is summed in row
 * order whatever the grouping, so any grouping, and either thread, gives the same sums.
 *
 * Self-contained on purpose (no imports, no module constants): histogram-pool.ts runs the very
 * same functions in its worker thread from their source text, with its own instance of the
 * kernels on the same memory.
 */
import type { HistRows, Kernels } from './kernels/memory';

/**
 * Adds rows index[start..end) (or start..end−1 when `identity`) into the histograms of work units
 * u0..u1−1 of `units` (each unit's feature blocks zeroed first; `hb` = doubles per feature). Every
 * array but `units` is on the kernels' memory.
 */
export function accumulateUnits(
  k: Kernels,
  bins: Uint8Array,
  d: number,
  index: Uint32Array,
  gh: Float32Array,
  start: number,
  end: number,
  identity: boolean,
  units: Int32Array,
  u0: number,
  u1: number,
  hb: number,
  hist: Float64Array,
): void {
  const at = (u: number, j: number): number => units[u * 6 + j] as number;
  const rows: HistRows = [bins.byteOffset, d, index.byteOffset, gh.byteOffset, start, end, identity ? 1 : 0, hist.byteOffset, hb];
  for (let u = u0; u < u1; u++) {
    for (let j = 0; j < 6; j++) if (at(u, j) >= 0) hist.fill(0, at(u, j) * hb, (at(u, j) + 1) * hb);
    // Run features come three to a unit (units.ts); a unit without them has a plain feature first.
    if (at(u, 0) >= 0) k.histRuns(...rows, at(u, 0), at(u, 1), at(u, 2), at(u, 3), at(u, 4), at(u, 5));
    else k.histPlain(...rows, at(u, 3), at(u, 4), at(u, 5));
  }
}

/**
 * Stable partition of a node's rows, src[start..end), by the bins of one feature (column-major,
 * column at `col`) into the same positions of dst, out of place: the rows going left to
 * dst[start..split), the others to dst[split..end), each side in row order, where split = start +
 * the split's left count (known from its histogram, so both sides go straight to their final
 * places: no scratch, no join). Half 0 takes positions start..mid−1 forward from each side's first
 * place; half 1 takes mid..end−1 backward from each side's last place; so two threads, one a
 * half, meet without knowing each other's counts (mid = end: half 0 alone does the node). Returns
 * the half's left count. `goesLeft` (256 bytes, 0 or 1 per bin) and the arrays are on the kernels'
 * memory.
 */
export function partitionHalf(
  k: Kernels,
  bins: Uint8Array,
  col: number,
  src: Uint32Array,
  dst: Uint32Array,
  node: { start: number; mid: number; end: number; split: number },
  half: number,
  goesLeft: Uint8Array,
): number {
  const { start, mid, end, split } = node;
  return k.partitionHalf(bins.byteOffset + col, src.byteOffset, dst.byteOffset, start, mid, end, split, half, goesLeft.byteOffset);
}

/**
 * After a tree: adds each leaf's value to the raw scores of its rows that sit at positions
 * lo..hi−1, and resets `index` there to the identity for the next tree. Leaf j is leaves[4j]
 * (start), leaves[4j+1] (end), leaves[4j+2] (value), leaves[4j+3] (1 when its rows are in `alt`,
 * else `index`: partitions alternate between the two), j < count. Each row gets exactly one add,
 * so any split of the positions between threads gives the same scores.
 */
export function addLeafRange(
  k: Kernels,
  leaves: Float64Array,
  count: number,
  index: Uint32Array,
  alt: Uint32Array,
  raw: Float64Array,
  lo: number,
  hi: number,
): void {
  k.addLeafRange(leaves.byteOffset, count, index.byteOffset, alt.byteOffset, raw.byteOffset, lo, hi);
}

/** The source text of the functions above, for a worker thread (which stubs esbuild's keepNames helper). */
export const ACCUMULATE_SOURCE = [accumulateUnits.toString(), partitionHalf.toString(), addLeafRange.toString()].join('\n');
