import { InputError } from '../../core/errors';
/**
 * Class weights as per-row sample weights, with scikit-learn's definitions
 * (`compute_sample_weight`): 'balanced' gives class c the weight n_samples / (n_classes × count_c),
 * n_classes counting the classes present in y; a map gives the listed classes their weight and
 * every other class 1. Combined with explicit sample weights by multiplication, as sklearn's
 * estimators do.
 */
export type ClassWeight = 'balanced' | Readonly<Record<string, number>>;

/**
 * Row weights for class indices y (0..numClasses−1). Map keys are class labels when `classes`
 * (index → label) is given, else class indices written as strings. A key naming no class, or a
 * weight that is not finite and ≥ 0, is refused by name.
 */
export function classWeightsToSampleWeights(
  y: ArrayLike<number>,
  numClasses: number,
  classWeight: ClassWeight,
  classes?: readonly string[],
  sampleWeight?: ArrayLike<number>,
): Float64Array {
  const n = y.length;
  const perClass = new Float64Array(numClasses).fill(1);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(numClasses);
    for (let i = 0; i < n; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
    const present = counts.filter((c) => c > 0).length;
    counts.forEach((c, k) => (perClass[k] = c > 0 ? n / (present * c) : 1));
  } else {
    const labels = classes ?? Array.from({ length: numClasses }, (_, k) => String(k));
    for (const [key, weight] of Object.entries(classWeight)) {
      const k = labels.indexOf(key);
      if (k < 0) throw new InputError(`classWeight names class '${key}', which is not one of the classes (${labels.join(', ')})`);
      if (!(Number.isFinite(weight) && weight >= 0))
        throw new InputError(`classWeight of class '${key}' is ${weight}; it must be finite and ≥ 0`);
      perClass[k] = weight;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (perClass[y[i] as number] as number) * (sampleWeight ? (sampleWeight[i] as number) : 1);
  return out;
}
