/**
 * The models' own feature importances, one value per matrix column (feature), normalised to sum
 * to 1 so models and runs compare.
 *
 * Gradient boosting — `gbtGainImportance`: the total gain (loss reduction) of the splits on each
 * feature over every tree, scikit-learn's "impurity" importance. Trees serialised with a per-node
 * `gain` array (written by newer trainers) use it; trees without one (older models) fall back to
 * the number of splits on each feature, and the result says which method it used — a model is
 * never silently scored by the weaker measure.
 *
 * Linear models — `linearCoefficientImportance`: |coefficient| × the feature's standard
 * deviation, i.e. the |coefficient| the model would have on standardized features (so a feature
 * in metres and one in kilometres compare; for columns the pipeline already standardized the
 * std is ~1 and this is |coefficient|). Multiclass models: the mean over the classes' rows.
 */
import { columnPlaces, denseCols, type Matrix } from '../frame/matrix';
import { InputError } from '../../core/errors';

/** A tree as serialised (ml/gbt/serialize.ts), optionally with the split gain of each node. */
export interface TreeWithGain {
  feature: readonly number[];
  gain?: readonly number[];
}

export interface GbtLike {
  numFeatures: number;
  /** Version 1: one tree per iteration; version 2: trees[iteration][class]. */
  trees: readonly TreeWithGain[] | readonly (readonly TreeWithGain[])[];
}

export interface ModelImportance {
  method: 'gain' | 'split_count' | 'abs_coefficient';
  /** One value per feature, summing to 1 (all 0 when the model has no split or no weight). */
  values: Float64Array;
}

const normalise = (v: Float64Array): Float64Array => {
  const total = v.reduce((s, x) => s + x, 0);
  return total > 0 ? v.map((x) => x / total) : v;
};

const allTrees = (m: GbtLike): TreeWithGain[] => (m.trees as readonly (TreeWithGain | readonly TreeWithGain[])[]).flat() as TreeWithGain[];

/** Split gain per feature when every tree records gains, else split counts (see the file comment). */
export function gbtGainImportance(model: GbtLike): ModelImportance {
  const trees = allTrees(model);
  const withGain = trees.length > 0 && trees.every((t) => Array.isArray(t.gain) && t.gain.length === t.feature.length);
  const values = new Float64Array(model.numFeatures);
  for (const t of trees) {
    t.feature.forEach((f, k) => {
      if (f < 0) return; // a leaf
      if (f >= model.numFeatures) throw new InputError(`a tree splits on feature ${f}, but the model has ${model.numFeatures}`);
      const g = withGain ? (t.gain?.[k] ?? 0) : 1;
      values[f] = (values[f] as number) + (Number.isFinite(g) && g > 0 ? g : 0);
    });
  }
  return { method: withGain ? 'gain' : 'split_count', values: normalise(values) };
}

/**
 * Population standard deviation of each matrix column (NaN ignored). One-hot blocks are read as
 * they are stored (a 0/1 column with share p of ones has std √(p(1−p))), never densified.
 */
export function columnStd(m: Matrix): Float64Array {
  const out = new Float64Array(m.cols);
  const places = columnPlaces(m);
  const dc = denseCols(m);
  for (let j = 0; j < m.cols; j++) {
    const p = places[j] as number;
    if (p < 0) continue; // a one-hot column: below
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let i = 0; i < m.rows; i++) {
      const x = m.data[i * dc + p] as number;
      if (Number.isNaN(x)) continue;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    out[j] = n > 0 ? Math.sqrt(m2 / n) : 0;
  }
  for (const b of m.onehot ?? []) {
    const ones = new Float64Array(b.width);
    for (let i = 0; i < m.rows; i++) {
      const v = b.index[i] as number;
      if (v >= 0) ones[v] = (ones[v] as number) + 1;
    }
    for (let k = 0; k < b.width; k++) {
      const share = m.rows > 0 ? (ones[k] as number) / m.rows : 0;
      out[b.offset + k] = Math.sqrt(share * (1 - share));
    }
  }
  return out;
}

/**
 * |w| × std per feature, averaged over the weight rows (1 for binary/regression, K for multiclass),
 * normalised. `weights` is rows × numFeatures row-major, as the linear models store them.
 */
export function linearCoefficientImportance(
  weights: ArrayLike<number>,
  numFeatures: number,
  featureStd: ArrayLike<number>,
): ModelImportance {
  if (featureStd.length !== numFeatures) throw new InputError(`${featureStd.length} feature stds for ${numFeatures} features`);
  if (weights.length === 0 || weights.length % numFeatures !== 0)
    throw new InputError(`${weights.length} weights is not a whole number of rows of ${numFeatures} features`);
  const rows = weights.length / numFeatures;
  const values = new Float64Array(numFeatures);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < numFeatures; j++)
      values[j] = (values[j] as number) + (Math.abs(weights[r * numFeatures + j] as number) * (featureStd[j] as number)) / rows;
  return { method: 'abs_coefficient', values: normalise(values) };
}
