/**
 * Compiled trees (ml/gbt/compiled.ts) score exactly as the tree-by-tree rule they replace: the
 * reference below walks each serialised tree as docs/ml-models.md describes (x ≤ threshold; NaN
 * and codes outside the training codes follow missingLeft), summing in iteration order. Models
 * with native categorical splits and learned missing sides; rows with missing values, categories
 * never seen in training, and codes no categorical step produces (fractions, negatives, ≥ 256).
 */
import { describe, expect, it } from 'vitest';
import { compiledGbt } from '../../ml/gbt/compiled';
import { gbtMulticlassRaw, gbtRaw, type AnyGbtModel, type GbtTree } from '../../ml/gbt/gradient-boosting';
import { transformFeatures } from '../../ml/features';
import type { Matrix } from '../../ml/frame/matrix';
import { GBT_PIPELINE, generate, trainModel } from '../onnx/helpers';

const inBits = (bits: readonly number[] | null, v: number): boolean =>
  bits !== null && Number.isInteger(v) && v >= 0 && v < 256 && (((bits[v >>> 5] as number) >>> (v & 31)) & 1) === 1;

function leafValue(t: GbtTree, known: readonly (number[] | null)[], x: Matrix, i: number): number {
  let node = 0;
  while ((t.feature[node] as number) >= 0) {
    const f = t.feature[node] as number;
    const v = x.data[i * x.cols + f] as number;
    const cats = t.leftCategories[node] ?? null;
    let goLeft: boolean;
    if (Number.isNaN(v)) goLeft = t.missingLeft[node] === 1;
    else if (cats === null) goLeft = v <= (t.threshold[node] as number);
    else if (inBits(cats, v)) goLeft = true;
    else if (inBits(known[f] ?? null, v)) goLeft = false;
    else goLeft = t.missingLeft[node] === 1;
    node = (goLeft ? t.left[node] : t.right[node]) as number;
  }
  return t.value[node] as number;
}

/** Raw scores rows × outputs, row-major, summed tree by tree in iteration order. */
function reference(m: AnyGbtModel, x: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    if (m.version === 4) {
      const s = [...m.baseline];
      for (const iteration of m.trees) iteration.forEach((t, c) => (s[c] = (s[c] as number) + leafValue(t, m.knownCategories, x, i)));
      out.push(...s);
    } else {
      let s = m.baseline;
      for (const t of m.trees) s += leafValue(t, m.knownCategories, x, i);
      out.push(s);
    }
  }
  return out;
}

describe('compiled gradient-boosting trees', () => {
  const rows = generate(3000, 5, { unseen: true });
  it.each(['binary', 'multiclass', 'regression'] as const)(
    '%s: the same raw scores, bit for bit, as tree-by-tree scoring',
    async (task) => {
      const model = await trainModel('gbt', task, GBT_PIPELINE, { maxIter: 25 });
      if (model.estimator.kind !== 'gbt') throw new Error('expected a gbt model');
      const m = model.estimator.model;
      const x = transformFeatures(model.pipeline, rows).matrix;
      const categorical = (x.categorical ?? []).flatMap((c, j) => (c ? [j] : []));
      expect(categorical.length).toBeGreaterThan(0);
      // Codes no categorical step writes: every one must take the missing side, as in the reference.
      const odd = [2.5, -1, 300, 255, 254, Infinity];
      odd.forEach((v, k) => (x.data[k * x.cols + (categorical[k % categorical.length] as number)] = v));
      const got = m.version === 4 ? gbtMulticlassRaw(m, x) : gbtRaw(m, x);
      expect(Array.from(got)).toEqual(reference(m, x));
      expect(compiledGbt(m)).toBe(compiledGbt(m)); // compiled once per model object
    },
  );
});
