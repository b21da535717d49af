/**
 * Every estimator × task, exported to ONNX and scored with onnxruntime-node on 10,000 generated
 * rows (missing values and categories never seen in training included), against `scoreFrame`:
 * probabilities and regression values within 1e-5, labels identical.
 */
import { describe, expect, it } from 'vitest';
import { exportLoadedModel } from '../../ml/onnx';
import { scoreFrame } from '../../ml/predict';
import {
  GBT_PIPELINE,
  PARITY_CASES,
  generate,
  parityHyperparams,
  labelMismatches,
  maxRelativeError,
  scoreOnnx,
  trainModel,
} from './helpers';

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
    const bytes = exportLoadedModel(model, { modelVersion: 1, tideflowVersion: 'test' });
    const expected = scoreFrame(model, scoring);
    const got = await scoreOnnx(bytes, scoring, model.pipeline.inputs);
    if (task === 'regression') {
      expect(got.variable).toHaveLength(ROWS);
      expect(maxRelativeError(got.variable as Float32Array, expected.values)).toBeLessThan(1e-5);
      return;
    }
    expect(got.probabilities).toHaveLength(ROWS * model.artifact.classes.length);
    expect(maxRelativeError(got.probabilities as Float32Array, expected.proba as Float64Array)).toBeLessThan(1e-5);
    expect(labelMismatches(got.label as string[], expected.labels as string[])).toEqual([]);
    // The data reaches every class, so a constant answer could not pass.
    expect(new Set(expected.labels).size).toBe(model.artifact.classes.length);
  });
});
