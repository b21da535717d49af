/**
 * Where a node's rows are while a tree grows (grower.ts): positions start..end−1 of one of two
 * index arrays; a split partitions them stably into the same positions of the other array. Large
 * nodes are summed in two halves of those positions, one per thread (histogram-pool.ts).
 */

/** Which of GrowInput's index arrays holds a node's rows: 0 `index`, 1 `alt`. */
export type IndexBuffer = 0 | 1;

export function indexArray(inp: { index: Uint32Array; alt: Uint32Array }, buf: IndexBuffer): Uint32Array {
  return buf === 0 ? inp.index : inp.alt;
}

/** The rows of a node: positions start..end−1 of index array `buf`. */
export interface NodeRange {
  start: number;
  end: number;
  buf: IndexBuffer;
}

/** The array holding the children's rows after a node's partition: the other one. */
export const otherBuffer = (buf: IndexBuffer): IndexBuffer => (buf === 0 ? 1 : 0);

/**
 * Nodes with at least this many rows sum their histograms in two halves of their rows, one into
 * each of GrowInput's `halves`, then add them (`joinHalves`): histogram-pool.ts's two threads take
 * one half each, and a single thread sums the same halves the same way, so the model does not
 * depend on the thread count. Each thread then reads each row once for all its features, and the
 * halves cost the same.
 */
export const HALVES_MIN_ROWS = 10_000;

/** The first row of a node's second half (see HALVES_MIN_ROWS). */
export const halfOf = (node: NodeRange): number => node.start + ((node.end - node.start) >> 1);

/** The rows of half `u` (0 or 1) of a node. */
export function halfRange(node: NodeRange, u: number): NodeRange {
  const mid = halfOf(node);
  return u === 0 ? { ...node, end: mid } : { ...node, start: mid };
}

/** hist = first + second, cell by cell: a node's histogram from its halves'. */
export function joinHalves(hist: Float64Array, [first, second]: readonly [Float64Array, Float64Array]): void {
  for (let q = 0; q < hist.length; q++) hist[q] = (first[q] as number) + (second[q] as number);
}

/**
 * The rows a partition sent left must be the split's left count (from its histogram): each side
 * was written at positions that count set, so a mismatch would have corrupted the node's rows.
 */
export function checkLeftCount(expected: number, got: number): void {
  if (got !== expected)
    throw new Error(`gradient-boosting partition sent ${got} rows left where the split's histogram counted ${expected}`);
}
