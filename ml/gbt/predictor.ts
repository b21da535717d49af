/**
 * Fitted trees in their serialised form (serialize.ts `GbtTree`) and scoring rows with them, as
 * scikit-learn's `TreePredictor` on raw data: numeric splits compare x ≤ threshold; categorical
 * splits test the row's code against the left-category bitset; NaN, and at a categorical split a
 * code the training rows never had, follow the split's learned missing side.
 */
import { MISSING_BIN, type BinMapper } from './binning';
import type { Tree } from './grower';
import type { GbtTree } from './serialize';
import type { Matrix } from '../frame/matrix';

/** A bitset (8 × 32 bits) of codes 0..255. */
export function bitsetOf(codes: Iterable<number>): number[] {
  const bits = new Uint32Array(8);
  for (const c of codes) bits[c >>> 5] = ((bits[c >>> 5] as number) | (1 << (c & 31))) >>> 0;
  return Array.from(bits);
}

/** Whether code v (any number) is in a bitset; false for NaN, non-integers and codes outside 0..255. */
export const codeInBitset = (bits: readonly number[], v: number): boolean =>
  Number.isInteger(v) && v >= 0 && v < 256 && (((bits[v >>> 5] as number) >>> (v & 31)) & 1) === 1;

/** Per feature, the bitset of its known categories (null for numeric features). */
export const knownCategoryBitsets = (m: BinMapper): (number[] | null)[] => m.categories.map((c) => (c ? bitsetOf(c) : null));

/** A grown tree with bin thresholds turned into feature values (upper bin edges) and category bins into codes. */
export function toGbtTree(t: Tree, m: BinMapper): GbtTree {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.feature, (f, k) => {
      if (f < 0 || t.leftBins[k]) return 0;
      const e = m.edges[f] as Float64Array;
      const b = t.binThreshold[k] as number;
      // The last non-missing bin: every value goes left (sklearn's +∞; JSON has no Infinity, features are finite).
      return b < e.length ? (e[b] as number) : Number.MAX_VALUE;
    }),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    missingLeft: Array.from(t.missingLeft, (v) => (v === 1 ? 1 : 0)),
    gain: Array.from(t.gain),
    leftCategories: t.leftBins.map((bins, k) => {
      if (!bins) return null;
      const cats = m.categories[t.feature[k] as number] as Int32Array;
      const codes: number[] = [];
      cats.forEach((c, b) => {
        if (b !== MISSING_BIN && ((bins[b >>> 5] as number) >>> (b & 31)) & 1) codes.push(c);
      });
      return bitsetOf(codes);
    }),
  };
}

/** Adds one tree's leaf values to raw scores out[offset + i] of every row of x. */
export function addTreeScores(t: GbtTree, known: readonly (number[] | null)[], x: Matrix, out: Float64Array, offset: number): void {
  const d = x.cols;
  const data = x.data;
  const feature = Int32Array.from(t.feature);
  const threshold = Float64Array.from(t.threshold);
  const left = Int32Array.from(t.left);
  const right = Int32Array.from(t.right);
  const value = Float64Array.from(t.value);
  const missingLeft = Uint8Array.from(t.missingLeft);
  // Categorical nodes: 256 entries per node, 1 = left, 0 = right, 2 = missing side (unknown code).
  const catNode = new Int32Array(feature.length).fill(-1);
  const tables: Uint8Array[] = [];
  t.leftCategories.forEach((bits, k) => {
    if (!bits) return;
    const knownBits = known[feature[k] as number] ?? [];
    const table = new Uint8Array(256);
    for (let c = 0; c < 256; c++) table[c] = codeInBitset(bits, c) ? 1 : codeInBitset(knownBits, c) ? 0 : 2;
    catNode[k] = tables.length;
    tables.push(table);
  });
  for (let i = 0; i < x.rows; i++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const v = data[i * d + f] as number;
      let goLeft: boolean;
      const c = catNode[node] as number;
      if (v !== v) goLeft = missingLeft[node] === 1;
      else if (c < 0) goLeft = v <= (threshold[node] as number);
      else {
        // Codes outside 0..255 or not integers were never seen in training: the missing side.
        const side = v >= 0 && v < 256 && v === Math.floor(v) ? ((tables[c] as Uint8Array)[v] as number) : 2;
        goLeft = side === 2 ? missingLeft[node] === 1 : side === 1;
      }
      node = goLeft ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    out[offset + i] = (out[offset + i] as number) + (value[node] as number);
  }
}
