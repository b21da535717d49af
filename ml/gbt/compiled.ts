/**
 * Compiled trees: a model's trees flattened once into typed arrays, with each categorical split's
 * 256-entry lookup table (left / right / the missing side for a code never seen in training) built
 * once, not on every call. `compiledGbt(model)` compiles on first use and remembers the result for
 * the life of the model object (a WeakMap), so a server or a batch job that keeps its loaded model
 * pays for it once (a model is not edited in place once scored: an edited model is a new object);
 * every prediction (`gbtRaw`, `gbtMulticlassRaw`, `addTreeScores`) goes through
 * `scoreCompiled`, the one traversal.
 *
 * Routing is predictor.ts's rule (sklearn's TreePredictor on raw data): a numeric split sends x left
 * when x ≤ threshold; NaN, and at a categorical split a code outside the feature's training codes
 * (or not an integer in 0..255), follow the node's learned missing side. Per (row, class) the raw
 * score is baseline + the trees' leaf values added in iteration order, the same additions in the
 * same order as tree-by-tree scoring, so the answers are bit-identical.
 */
import type { Matrix } from '../frame/matrix';
import type { AnyGbtModel, GbtTree } from './serialize';

export interface CompiledTrees {
  /** Trees in scoring order (iteration-major, then class); tree t starts at node root[t]. */
  root: Int32Array;
  /** Class (output column) each tree adds to. */
  klass: Int32Array;
  /** All nodes of all trees; child indices are absolute. feature −1: a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  missingLeft: Uint8Array;
  /** Per node: the offset of its 256-entry table in `tables` (per code 1: left, 0: right), or −1 for a numeric split or a leaf. */
  table: Int32Array;
  tables: Uint8Array;
}

export interface CompiledGbt extends CompiledTrees {
  numFeatures: number;
  /** Raw-score columns: 1 for binary and regression models, K for K-class models. */
  outputs: number;
  baseline: Float64Array;
}

/** Whether code v is in a bitset (8 × 32 bits). */
const inBitset = (bits: readonly number[], v: number): boolean => (((bits[v >>> 5] as number) >>> (v & 31)) & 1) === 1;

/** Flatten `trees` (tree t adds to class classOf[t]); `known[f]` = feature f's training codes (null: numeric). */
export function compileTrees(trees: readonly GbtTree[], classOf: readonly number[], known: readonly (number[] | null)[]): CompiledTrees {
  let nodes = 0;
  let catNodes = 0;
  for (const t of trees) {
    nodes += t.feature.length;
    for (const b of t.leftCategories) if (b) catNodes++;
  }
  const c: CompiledTrees = {
    root: new Int32Array(trees.length),
    klass: Int32Array.from(classOf),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    value: new Float64Array(nodes),
    missingLeft: new Uint8Array(nodes),
    table: new Int32Array(nodes).fill(-1),
    tables: new Uint8Array(256 * catNodes),
  };
  let base = 0;
  let nextTable = 0;
  trees.forEach((t, ti) => {
    c.root[ti] = base;
    for (let k = 0; k < t.feature.length; k++) {
      const n = base + k;
      const f = t.feature[k] as number;
      c.feature[n] = f;
      c.threshold[n] = t.threshold[k] as number;
      c.left[n] = base + (t.left[k] as number);
      c.right[n] = base + (t.right[k] as number);
      c.value[n] = t.value[k] as number;
      c.missingLeft[n] = t.missingLeft[k] === 1 ? 1 : 0;
      const bits = t.leftCategories[k];
      if (!bits) continue;
      const knownBits = known[f] ?? null;
      const at = 256 * nextTable++;
      // A code never seen in training takes the node's missing side, resolved here once.
      const unseen = t.missingLeft[k] === 1 ? 1 : 0;
      for (let code = 0; code < 256; code++)
        c.tables[at + code] = inBitset(bits, code) ? 1 : knownBits && inBitset(knownBits, code) ? 0 : unseen;
      c.table[n] = at;
    }
    base += t.feature.length;
  });
  return c;
}

/**
 * Adds every tree's leaf value to out[offset + i * stride + klass] for each row i of the dense
 * matrix x (x.cols features, row-major). Per output cell the trees are added in their order.
 */
export function scoreCompiled(c: CompiledTrees, x: Matrix, out: Float64Array, offset: number, stride: number): void {
  const { root, klass, feature, threshold, left, right, value, missingLeft, table, tables } = c;
  const d = x.cols;
  const data = x.data;
  const nTrees = root.length;
  // Tree-major: one tree's nodes stay in the fastest cache while the rows stream past it.
  for (let t = 0; t < nTrees; t++) {
    const start = root[t] as number;
    const f0 = feature[start] as number;
    const col = offset + (klass[t] as number);
    for (let i = 0; i < x.rows; i++) {
      const row = i * d;
      let node = start;
      let f = f0;
      while (f >= 0) {
        const v = data[row + f] as number;
        const tb = table[node] as number;
        let goLeft: boolean;
        // Numeric: x ≤ threshold (false for NaN, which takes the missing side). Categorical: the code's
        // table entry; NaN and codes that are not integers in 0..255 were never seen: the missing side.
        if (tb < 0) goLeft = v <= (threshold[node] as number) || (v !== v && missingLeft[node] === 1);
        else goLeft = v >>> 0 === v && v < 256 ? tables[tb + v] === 1 : missingLeft[node] === 1;
        node = goLeft ? (left[node] as number) : (right[node] as number);
        f = feature[node] as number;
      }
      const o = col + i * stride;
      out[o] = (out[o] as number) + (value[node] as number);
    }
  }
}

const cache = new WeakMap<AnyGbtModel, CompiledGbt>();

/** The model's compiled trees, built on first use and kept as long as the model object lives. */
export function compiledGbt(m: AnyGbtModel): CompiledGbt {
  let c = cache.get(m);
  if (c) return c;
  if (m.version === 4) {
    const k = m.numClasses;
    const trees = m.trees.flat();
    const classOf = m.trees.flatMap((iteration) => iteration.map((_, cls) => cls));
    if (m.trees.some((iteration) => iteration.length !== k))
      throw new Error(`gbt model: every iteration must have ${k} trees (one per class)`);
    c = {
      ...compileTrees(trees, classOf, m.knownCategories),
      numFeatures: m.numFeatures,
      outputs: k,
      baseline: Float64Array.from(m.baseline),
    };
  } else {
    const classOf = m.trees.map(() => 0);
    c = {
      ...compileTrees(m.trees, classOf, m.knownCategories),
      numFeatures: m.numFeatures,
      outputs: 1,
      baseline: Float64Array.of(m.baseline),
    };
  }
  cache.set(m, c);
  return c;
}

/** Raw scores of every row of the dense matrix x: rows × outputs, row-major. */
export function compiledRaw(c: CompiledGbt, x: Matrix): Float64Array {
  const k = c.outputs;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = c.baseline[j] as number;
  scoreCompiled(c, x, out, 0, k);
  return out;
}
