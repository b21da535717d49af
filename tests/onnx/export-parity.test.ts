/**
 * Every estimator × task, exported to ONNX and scored with onnxruntime-node on 10,000 generated
 * rows (missing values and categories never seen in training included), against `scoreFrame`:
 * probabilities and regression values within 1e-5, labels identical.
 */
import { describe, expect, it } from 'vitest';
import { expectOnnxParity, GBT_PIPELINE, PARITY_CASES, generate, parityHyperparams, trainModel } from './helpers';

const ROWS = 10_000;
const scoring = generate(ROWS, 99, { unseen: true });

const cases = PARITY_CASES;

describe('ONNX export scores as scoreFrame does (10,000 rows, onnxruntime-node)', () => {
  it.each(cases)('%s %s (%s features)', async (kind, task, _features, spec) => {
    const model = await trainModel(kind, task, spec, parityHyperparams(kind));
    const est = model.estimator;
    if (est.kind === 'gbt' && spec === GBT_PIPELINE) {
      // The model really splits on category sets and learned missing sides, so the table lookups are exercised.
      const trees = 'numClasses' in est.model ? est.model.trees.flat() : est.model.trees;
      expect(trees.some((t) => t.leftCategories.some((b) => b !== null))).toBe(true);
    }
    await expectOnnxParity(model, task, scoring);
  });
});
