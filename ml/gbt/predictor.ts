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
import { compileTrees, scoreCompiled } from './compiled';

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

/** Adds one tree's leaf values to raw scores out[offset + i] of every row of x (compiled.ts's traversal). */
export function addTreeScores(t: GbtTree, known: readonly (number[] | null)[], x: Matrix, out: Float64Array, offset: number): void {
  scoreCompiled(compileTrees([t], [0], known), x, out, offset, 1);
}
