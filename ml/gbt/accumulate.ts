/**
 * The inner loops of tree growing. Histograms: a node's rows added into the (gradient, hessian, count) cells of
 * the features of some work units (./units.ts), reading the row-major bins (row i's features at i·d…), up to
 * four features per pass over the rows. One cache line per row serves all its features, and three features per
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

/**
 * A node's rows as the kernels below read them: rows index[start..end) (or start..end−1 when
 * `identity`), their row-major bins (d a row) and interleaved gradients/hessians, and the
 * histogram they add into (`hb` doubles a feature).
 */
export interface NodeRows {
  bins: Uint8Array;
  d: number;
  index: Uint32Array;
  gh: Float32Array;
  start: number;
  end: number;
  identity: boolean;
  hb: number;
  hist: Float64Array;
}

/**
 * Adds rows index[start..end) (or start..end−1 when `identity`) into the histograms of work units
 * u0..u1−1 of `units` (each unit's feature blocks zeroed first; `hb` = doubles per feature).
 */
export function accumulateUnits(
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
  const node: NodeRows = { bins, d, index, gh, start, end, identity, hb, hist };
  for (let u = u0; u < u1; u++) {
    const at = (k: number): number => units[u * 6 + k] as number;
    for (let k = 0; k < 6; k++) if (at(k) >= 0) hist.fill(0, at(k) * hb, (at(k) + 1) * hb);
    if (at(0) >= 0) accumulateRuns(node, at(0), at(1), at(2), at(3), at(4), at(5));
    else if (at(5) >= 0) accumulateTrio(node, at(3), at(4), at(5));
    else if (at(4) >= 0) accumulatePair(node, at(3), at(4));
    else accumulateOne(node, at(3));
  }
}

/**
 * Three features whose bins come in runs (the same bin row after row: the flights' hour, weekday
 * and month in time order) and up to three plain features `o`, `o2`, `o3` (−1 = none; o2 only
 * with o, o3 only with o2). A run's cells are
 * loaded into registers at its first row, added to there and stored at its end: the very same
 * additions in the same order as cell += value row by row, without a store-to-load round trip
 * on the add chain of every row (measured ~1.7× on those three features).
 */
export function accumulateRuns(node: NodeRows, fa: number, fb: number, fc: number, o: number, o2: number, o3: number): void {
  const { bins, d, index, gh, start, end, identity, hb, hist } = node;
  if (end <= start) return;
  const first = identity ? start : (index[start] as number);
  let p = fa * hb + (bins[first * d + fa] as number) * 3;
  let q = fb * hb + (bins[first * d + fb] as number) * 3;
  let s = fc * hb + (bins[first * d + fc] as number) * 3;
  let pg = hist[p] as number;
  let ph = hist[p + 1] as number;
  let pc = hist[p + 2] as number;
  let qg = hist[q] as number;
  let qh = hist[q + 1] as number;
  let qc = hist[q + 2] as number;
  let sg = hist[s] as number;
  let sh = hist[s + 1] as number;
  let sc = hist[s + 2] as number;
  const oa = o * hb;
  const ob = o2 * hb;
  const oc = o3 * hb;
  for (let k = start; k < end; k++) {
    const i = identity ? k : (index[k] as number);
    const r = i * d;
    const g = gh[2 * i] as number;
    const h = gh[2 * i + 1] as number;
    const np = fa * hb + (bins[r + fa] as number) * 3;
    if (np !== p) {
      hist[p] = pg;
      hist[p + 1] = ph;
      hist[p + 2] = pc;
      p = np;
      pg = hist[p] as number;
      ph = hist[p + 1] as number;
      pc = hist[p + 2] as number;
    }
    const nq = fb * hb + (bins[r + fb] as number) * 3;
    if (nq !== q) {
      hist[q] = qg;
      hist[q + 1] = qh;
      hist[q + 2] = qc;
      q = nq;
      qg = hist[q] as number;
      qh = hist[q + 1] as number;
      qc = hist[q + 2] as number;
    }
    const ns = fc * hb + (bins[r + fc] as number) * 3;
    if (ns !== s) {
      hist[s] = sg;
      hist[s + 1] = sh;
      hist[s + 2] = sc;
      s = ns;
      sg = hist[s] as number;
      sh = hist[s + 1] as number;
      sc = hist[s + 2] as number;
    }
    if (o >= 0) {
      const t = oa + (bins[r + o] as number) * 3;
      hist[t] = (hist[t] as number) + g;
      hist[t + 1] = (hist[t + 1] as number) + h;
      hist[t + 2] = (hist[t + 2] as number) + 1;
      if (o2 >= 0) {
        const t2 = ob + (bins[r + o2] as number) * 3;
        hist[t2] = (hist[t2] as number) + g;
        hist[t2 + 1] = (hist[t2 + 1] as number) + h;
        hist[t2 + 2] = (hist[t2 + 2] as number) + 1;
        if (o3 >= 0) {
          const t3 = oc + (bins[r + o3] as number) * 3;
          hist[t3] = (hist[t3] as number) + g;
          hist[t3 + 1] = (hist[t3 + 1] as number) + h;
          hist[t3 + 2] = (hist[t3 + 2] as number) + 1;
        }
      }
    }
    pg += g;
    ph += h;
    pc += 1;
    qg += g;
    qh += h;
    qc += 1;
    sg += g;
    sh += h;
    sc += 1;
  }
  hist[p] = pg;
  hist[p + 1] = ph;
  hist[p + 2] = pc;
  hist[q] = qg;
  hist[q + 1] = qh;
  hist[q + 2] = qc;
  hist[s] = sg;
  hist[s + 1] = sh;
  hist[s + 2] = sc;
}

export function accumulateTrio(node: NodeRows, fa: number, fb: number, fc: number): void {
  const { bins, d, index, gh, start, end, identity, hb, hist } = node;
  for (let k = start; k < end; k++) {
    const i = identity ? k : (index[k] as number);
    const r = i * d;
    const g = gh[2 * i] as number;
    const h = gh[2 * i + 1] as number;
    const p = fa * hb + (bins[r + fa] as number) * 3;
    const q = fb * hb + (bins[r + fb] as number) * 3;
    const s = fc * hb + (bins[r + fc] as number) * 3;
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

export function accumulatePair(node: NodeRows, fa: number, fb: number): void {
  const { bins, d, index, gh, start, end, identity, hb, hist } = node;
  for (let k = start; k < end; k++) {
    const i = identity ? k : (index[k] as number);
    const r = i * d;
    const g = gh[2 * i] as number;
    const h = gh[2 * i + 1] as number;
    const p = fa * hb + (bins[r + fa] as number) * 3;
    const q = fb * hb + (bins[r + fb] as number) * 3;
    hist[p] = (hist[p] as number) + g;
    hist[q] = (hist[q] as number) + g;
    hist[p + 1] = (hist[p + 1] as number) + h;
    hist[q + 1] = (hist[q + 1] as number) + h;
    hist[p + 2] = (hist[p + 2] as number) + 1;
    hist[q + 2] = (hist[q + 2] as number) + 1;
  }
}

export function accumulateOne(node: NodeRows, f: number): void {
  const { bins, d, index, gh, start, end, identity, hb, hist } = node;
  for (let k = start; k < end; k++) {
    const i = identity ? k : (index[k] as number);
    const p = f * hb + (bins[i * d + f] as number) * 3;
    hist[p] = (hist[p] as number) + (gh[2 * i] as number);
    hist[p + 1] = (hist[p + 1] as number) + (gh[2 * i + 1] as number);
    hist[p + 2] = (hist[p + 2] as number) + 1;
  }
}

/**
 * Stable partition of a node's rows, src[start..end), by the bins of one feature (column-major,
 * column at `col`) into the same positions of dst, out of place: the rows going left to
 * dst[start..split), the others to dst[split..end), each side in row order, where split = start +
 * the split's left count (known from its histogram, so both sides go straight to their final
 * places: no scratch, no join; the join of the in-place partition took a third of the partition
 * time of the flights fit). Half 0 takes positions start..mid−1 forward from each side's first
 * place; half 1 takes mid..end−1 backward from each side's last place; so two threads, one a
 * half, meet without knowing each other's counts (mid = end: half 0 alone does the node). Returns
 * the half's left count. One store a row, at a position picked without a branch (a bit select on
 * l = 0 or 1: rw ^ ((lw ^ rw) & −l) is lw when l is 1, rw when 0): whether a row goes left can be a
 * coin toss for a split on origin or destination, and a mispredicted branch a row cost more. On the
 * flights fit 7.1–7.4 s against 7.6–8.0 s with the branch, alternating (session 11's first
 * branchless version, written another way, had measured slower). goesLeft holds only 0 and 1.
 */
export function partitionHalf(
  bins: Uint8Array,
  col: number,
  src: Uint32Array,
  dst: Uint32Array,
  node: { start: number; mid: number; end: number; split: number },
  half: number,
  goesLeft: Uint8Array,
): number {
  const { start, mid, end, split } = node;
  if (half === 0) {
    let lw = start;
    let rw = split;
    for (let k = start; k < mid; k++) {
      const i = src[k] as number;
      const l = goesLeft[bins[col + i] as number] as number;
      dst[rw ^ ((lw ^ rw) & -l)] = i;
      lw += l;
      rw += l ^ 1;
    }
    return lw - start;
  }
  let lw = split;
  let rw = end;
  for (let k = end - 1; k >= mid; k--) {
    const i = src[k] as number;
    const l = goesLeft[bins[col + i] as number] as number;
    lw -= l;
    rw -= l ^ 1;
    dst[rw ^ ((lw ^ rw) & -l)] = i;
  }
  return split - lw;
}

/**
 * After a tree: adds each leaf's value to the raw scores of its rows that sit at positions
 * lo..hi−1, and resets `index` there to the identity for the next tree. Leaf j is leaves[4j]
 * (start), leaves[4j+1] (end), leaves[4j+2] (value), leaves[4j+3] (1 when its rows are in `alt`,
 * else `index`: partitions alternate between the two), j < count. Each row gets exactly one add,
 * so any split of the positions between threads gives the same scores.
 */
export function addLeafRange(
  leaves: Float64Array,
  count: number,
  index: Uint32Array,
  alt: Uint32Array,
  raw: Float64Array,
  lo: number,
  hi: number,
): void {
  for (let j = 0; j < count; j++) {
    const end = Math.min(hi, leaves[4 * j + 1] as number);
    const v = leaves[4 * j + 2] as number;
    const src = leaves[4 * j + 3] === 1 ? alt : index;
    for (let r = Math.max(lo, leaves[4 * j] as number); r < end; r++) {
      const i = src[r] as number;
      raw[i] = (raw[i] as number) + v;
      index[r] = r;
    }
  }
}

/** The source text of the functions above, for a worker thread (which stubs esbuild's keepNames helper). */
export const ACCUMULATE_SOURCE = [
  accumulateUnits.toString(),
  accumulateRuns.toString(),
  accumulateTrio.toString(),
  accumulatePair.toString(),
  accumulateOne.toString(),
  partitionHalf.toString(),
  addLeafRange.toString(),
].join('\n');
