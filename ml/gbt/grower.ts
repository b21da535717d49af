/**
 * Grows one regression tree on binned features from per-row gradients and hessians, leaf-wise
 * (best gain first) like scikit-learn's `TreeGrower`: per-node histograms of (gradient, hessian,
 * count) per feature and bin; the smaller child's histogram is built from its rows and the
 * larger child's is the parent's minus it (histogram subtraction). Rows of a node are a
 * contiguous range of one of two index arrays; a split partitions them stably into the same
 * positions of the other array (so the children alternate). Split finding (numeric thresholds
 * with a learned missing side, categorical sets) is splitting.ts.
 */
import { accumulateUnits, addLeafRange, partitionHalf } from './accumulate';
import { MISSING_BIN } from './binning';
import { checkLeftCount, HALVES_MIN_ROWS, halfRange, indexArray, joinHalves, otherBuffer, type NodeRange } from './node-rows';
import { findSplit, HB, type FeatureBins, type Split } from './splitting';
import type { Kernels } from './kernels/memory';

export { HB } from './splitting';

export interface TreeParams {
  maxLeafNodes: number;
  /** Maximum depth (root = 0); Infinity for none. */
  maxDepth: number;
  minSamplesLeaf: number;
  l2: number;
  learningRate: number;
  minHessianToSplit: number;
}

/** A fitted tree; node 0 is the root; feature −1 marks a leaf. */
export interface Tree {
  feature: Int32Array;
  /** Numeric splits: rows with bin ≤ binThreshold go left, and the missing bin as missingLeft says. */
  binThreshold: Int32Array;
  /** 1 when rows with a missing value (or, categorical, an unknown category) go left. */
  missingLeft: Uint8Array;
  /** Categorical splits: the bins that go left; undefined for numeric splits and leaves. */
  leftBins: (Uint32Array | undefined)[];
  /** Split gain (loss reduction before shrinkage); 0 for leaves. */
  gain: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf values (already multiplied by the learning rate); 0 for split nodes. */
  value: Float64Array;
}

export interface GrowInput {
  /** The WebAssembly kernels, bound to the memory that every array below except `units` is on (kernels/memory.ts). */
  kernels: Kernels;
  /** Column-major bin codes (binning.ts `applyBinMapper`): what partitioning reads. */
  bins: Uint8Array;
  /** The same codes row-major (row i's features at i·cols…): what histograms read (./accumulate.ts). */
  rowBins: Uint8Array;
  /** The histogram work units (./units.ts `planUnits`), 6 ints each. */
  units: Int32Array;
  rows: number;
  cols: number;
  /**
   * The two index arrays nodes' rows alternate between (`IndexBuffer` 0 and 1): `index` is
   * 0..rows−1 at each tree's root (`addLeafValues` restores it); `alt` is scratch of the same size.
   */
  index: Uint32Array;
  alt: Uint32Array;
  /** True when index is 0..rows−1 in order on entry (the root then reads gradients directly). */
  rootIsIdentity: boolean;
  /** The histograms of a large node's two halves of rows (node-rows.ts HALVES_MIN_ROWS): cols × HB each. */
  halves: readonly [Float64Array, Float64Array];
  /** cols × HB: a small node's histogram, summed here and copied out. */
  scratch: Float64Array;
  /** 256: a split's goesLeft table (1 for the bins whose rows go left). */
  goesLeft: Uint8Array;
  /** 4 × maxLeafNodes: a tree's leaves as `addLeafRange` reads them (`leafTable`). */
  leaves: Float64Array;
  /** 2 × rows: the per-row gradients and hessians interleaved (row i at 2i, 2i+1), float32 as sklearn's; filled by the caller. */
  gradHess: Float32Array;
  /** Per-feature bin facts (missing values seen, categorical). */
  features: FeatureBins;
  /** Builds histograms on more than one thread (histogram-pool.ts); absent = this thread only. */
  histograms?: HistogramBuilder;
}

export interface HistogramBuilder {
  /** `accumulateHalf` of both halves of a large node into `inp.halves`. */
  sumHalves(inp: GrowInput, node: NodeRange, identity: boolean): void;
  /**
   * Stable partition of the node's rows by `goesLeft` of the feature's bins into the same
   * positions of the other index array: the `nLeft` rows going left first.
   */
  partition?(inp: GrowInput, node: NodeRange, feature: number, goesLeft: Uint8Array, nLeft: number): void;
  /** `addLeafValues` on more than one thread; false when it cannot (another raw-score array). */
  addLeafValues?(inp: GrowInput, grown: GrownTree, raw: Float64Array): boolean;
}

interface Leaf extends NodeRange {
  node: number;
  depth: number;
  /** Absent for a leaf that will not be split. */
  hist: Float64Array | undefined;
  g: number;
  h: number;
  split: Split | undefined;
}

/** Interleaves gradients and hessians into `gh` (row i at 2i, 2i+1): 8 bytes a row, one cache line for both. */
export function fillGradHess(grad: Float32Array, hess: Float32Array, gh: Float32Array): void {
  for (let i = 0; i < grad.length; i++) {
    gh[2 * i] = grad[i] as number;
    gh[2 * i + 1] = hess[i] as number;
  }
}

/** Adds the node's rows into the histograms of work units u0..u1−1 (zeroed first). */
export function accumulateFeatures(inp: GrowInput, node: NodeRange, identity: boolean, u0: number, u1: number, hist: Float64Array): void {
  const { kernels, rowBins, cols, gradHess, units } = inp;
  accumulateUnits(kernels, rowBins, cols, indexArray(inp, node.buf), gradHess, node.start, node.end, identity, units, u0, u1, HB, hist);
}

/**
 * Half `u` of a large node's rows into `inp.halves[u]`, all features: one unit of the halves sum,
 * on whichever thread takes it (histogram-pool.ts's worker runs the same from its source).
 */
export function accumulateHalf(inp: GrowInput, node: NodeRange, identity: boolean, u: number): void {
  accumulateFeatures(inp, halfRange(node, u), identity, 0, inp.units.length / 6, inp.halves[u] as Float64Array);
}

function buildHistogram(inp: GrowInput, node: NodeRange, hist: Float64Array): void {
  const identity = node.start === 0 && node.end === inp.rows && node.buf === 0 && inp.rootIsIdentity;
  // Small nodes in one pass on this thread: waking the other costs up to a scheduler tick (~4 ms
  // when the second core is busy), more than a small node's whole histogram.
  if (node.end - node.start < HALVES_MIN_ROWS) {
    accumulateFeatures(inp, node, identity, 0, inp.units.length / 6, inp.scratch);
    hist.set(inp.scratch);
    return;
  }
  if (inp.histograms) inp.histograms.sumHalves(inp, node, identity);
  else for (const u of [0, 1]) accumulateHalf(inp, node, identity, u);
  joinHalves(hist, inp.halves);
}

/** Fills `t` (256) with 1 for the bins whose rows go left under a split, 0 for the others. */
function leftTable(split: Split, t: Uint8Array): Uint8Array {
  t.fill(0);
  if (split.leftBins) {
    for (let b = 0; b < 256; b++) t[b] = ((split.leftBins[b >>> 5] as number) >>> (b & 31)) & 1;
  } else {
    t.fill(1, 0, split.bin + 1);
  }
  t[MISSING_BIN] = split.missingLeft ? 1 : 0;
  return t;
}

/** Partitions a node's rows into the other index array (see HistogramBuilder.partition). */
function partition(inp: GrowInput, node: NodeRange, feature: number, goesLeft: Uint8Array, nLeft: number): void {
  if (inp.histograms?.partition) {
    inp.histograms.partition(inp, node, feature, goesLeft, nLeft);
    return;
  }
  partitionOnThisThread(inp, node, feature, goesLeft, nLeft);
}

export function partitionOnThisThread(inp: GrowInput, node: NodeRange, feature: number, goesLeft: Uint8Array, nLeft: number): void {
  const { start, end, buf } = node;
  const src = indexArray(inp, buf);
  const dst = indexArray(inp, otherBuffer(buf));
  const rows = { start, mid: end, end, split: start + nLeft };
  checkLeftCount(nLeft, partitionHalf(inp.kernels, inp.bins, feature * inp.rows, src, dst, rows, 0, goesLeft));
}

/** A leaf's rows after growth: positions start..end−1 of index array `buf`. */
export interface LeafRange extends NodeRange {
  value: number;
}

export interface GrownTree {
  tree: Tree;
  leaves: LeafRange[];
}

export function growTree(inp: GrowInput, p: TreeParams): GrownTree {
  const d = inp.cols;
  const fb = inp.features;
  const feature: number[] = [-1];
  const binThreshold: number[] = [0];
  const missingLeft: number[] = [0];
  const leftBins: (Uint32Array | undefined)[] = [undefined];
  const gain: number[] = [0];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const value: number[] = [0];
  const rootHist = new Float64Array(d * HB);
  const root: NodeRange = { start: 0, end: inp.rows, buf: 0 };
  buildHistogram(inp, root, rootHist);
  let g = 0;
  let h = 0;
  for (let b = 0; b < 256; b++) {
    g += rootHist[b * 3] as number;
    h += rootHist[b * 3 + 1] as number;
  }
  const canSplit = (n: number, depth: number): boolean => depth < p.maxDepth && n >= 2 * p.minSamplesLeaf;
  const mk = (node: number, rows: NodeRange, depth: number, hist: Float64Array | undefined, lg: number, lh: number): Leaf => ({
    node,
    ...rows,
    depth,
    hist,
    g: lg,
    h: lh,
    split: hist && canSplit(rows.end - rows.start, depth) ? findSplit(hist, fb, lg, lh, rows.end - rows.start, p) : undefined,
  });
  const leaves: Leaf[] = [mk(0, root, 0, rootHist, g, h)];
  const newNode = (): number => {
    feature.push(-1);
    binThreshold.push(0);
    missingLeft.push(0);
    leftBins.push(undefined);
    gain.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  while (leaves.length < p.maxLeafNodes) {
    let bestIdx = -1;
    leaves.forEach((leaf, k) => {
      if (leaf.split && (bestIdx < 0 || leaf.split.gain > (leaves[bestIdx]?.split?.gain ?? -Infinity))) bestIdx = k;
    });
    if (bestIdx < 0) break;
    const leaf = leaves[bestIdx] as Leaf;
    const split = leaf.split as Split;
    const nLeft = split.nLeft;
    const nRight = leaf.end - leaf.start - nLeft;
    // Without missing values in training, a missing value at prediction follows the larger child (as sklearn).
    if (fb.hasMissing[split.feature] !== 1) split.missingLeft = nLeft > nRight;
    partition(inp, leaf, split.feature, leftTable(split, inp.goesLeft), nLeft);
    const mid = leaf.start + nLeft;
    const buf = otherBuffer(leaf.buf);
    const lRows: NodeRange = { start: leaf.start, end: mid, buf };
    const rRows: NodeRange = { start: mid, end: leaf.end, buf };
    const ln = newNode();
    const rn = newNode();
    feature[leaf.node] = split.feature;
    binThreshold[leaf.node] = split.bin;
    missingLeft[leaf.node] = split.missingLeft ? 1 : 0;
    leftBins[leaf.node] = split.leftBins;
    gain[leaf.node] = split.gain;
    left[leaf.node] = ln;
    right[leaf.node] = rn;
    const depth = leaf.depth + 1;
    // Children that will never be split (the last leaf allowed, or both too small or too deep)
    // need no histograms and no split search (as sklearn's grower): only their rows and sums.
    const last = leaves.length + 1 >= p.maxLeafNodes || (!canSplit(nLeft, depth) && !canSplit(nRight, depth));
    let lHist: Float64Array | undefined;
    let rHist: Float64Array | undefined;
    if (!last) {
      const small = new Float64Array(d * HB);
      const leftSmaller = nLeft <= nRight;
      buildHistogram(inp, leftSmaller ? lRows : rRows, small);
      const large = leaf.hist as Float64Array;
      for (let q = 0; q < large.length; q++) large[q] = (large[q] as number) - (small[q] as number);
      lHist = leftSmaller ? small : large;
      rHist = leftSmaller ? large : small;
    }
    leaves.splice(
      bestIdx,
      1,
      mk(ln, lRows, depth, lHist, split.gLeft, split.hLeft),
      mk(rn, rRows, depth, rHist, leaf.g - split.gLeft, leaf.h - split.hLeft),
    );
  }
  const ranges: LeafRange[] = [];
  for (const leaf of leaves) {
    const v = (-leaf.g / (leaf.h + p.l2)) * p.learningRate;
    value[leaf.node] = v;
    ranges.push({ start: leaf.start, end: leaf.end, buf: leaf.buf, value: v });
  }
  const tree: Tree = {
    feature: Int32Array.from(feature),
    binThreshold: Int32Array.from(binThreshold),
    missingLeft: Uint8Array.from(missingLeft),
    leftBins,
    gain: Float64Array.from(gain),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
  return { tree, leaves: ranges };
}

/** A tree's leaves as `addLeafRange` reads them: (start, end, value, index array) each, into `out` (4 × leaves long at least). */
export function leafTable(grown: GrownTree, out: Float64Array): number {
  grown.leaves.forEach(({ start, end, value, buf }, j) => out.set([start, end, value, buf], 4 * j));
  return grown.leaves.length;
}

/**
 * After `growTree`, adds each leaf's value to the raw predictions of its training rows and resets
 * index to 0..rows−1 (the next tree's root order); `histograms.addLeafValues` when it has one.
 */
export function addLeafValues(inp: GrowInput, grown: GrownTree, raw: Float64Array): void {
  if (inp.histograms?.addLeafValues?.(inp, grown, raw)) return;
  addLeafRange(inp.kernels, inp.leaves, leafTable(grown, inp.leaves), inp.index, inp.alt, raw, 0, inp.rows);
}
