/**
 * The 'onnx' engine (prediction server, batch_predict): the same Scores as scoreFrame, and the
 * same refusal — the native pipeline's message — for a row Tideflow cannot score.
 */
import { describe, expect, it } from 'vitest';
import { takeRows } from '../../ml/frame/frame';
import { createOnnxScorer } from '../../ml/onnx';
import { scoreFrame } from '../../ml/predict';
import { predictionColumns } from '../../activities/ml/offload/jobs/predict';
import { GBT_PIPELINE, LINEAR_PIPELINE, generate, maxRelativeError, trainModel } from './helpers';

describe("engine: 'onnx'", () => {
  it('answers with the Scores of scoreFrame (classification and regression) and the same batch columns', async () => {
    const rows = generate(2000, 21, { unseen: true });
    for (const model of [
      await trainModel('gbt', 'multiclass', GBT_PIPELINE, { maxIter: 10 }),
      await trainModel('linear_regression', 'regression', LINEAR_PIPELINE),
    ]) {
      const scorer = await createOnnxScorer(model, { tideflowVersion: 'test' });
      try {
        const want = scoreFrame(model, rows);
        const got = await scorer.score(rows);
        expect(got.rows).toBe(want.rows);
        expect(got.labels).toEqual(want.labels);
        if (model.artifact.task === 'regression') expect(maxRelativeError(got.values, want.values)).toBeLessThan(1e-5);
        else {
          expect(Array.from(got.values)).toEqual(Array.from(want.values));
          expect(maxRelativeError(got.proba as Float64Array, want.proba as Float64Array)).toBeLessThan(1e-5);
        }
        const a = predictionColumns(model.artifact, got, rows.rows);
        const b = predictionColumns(model.artifact, want, rows.rows);
        expect(a.columns.map((c) => c.name)).toEqual(b.columns.map((c) => c.name));
        if (model.artifact.task !== 'regression') expect(a.summary).toEqual(b.summary);
      } finally {
        await scorer.close();
      }
    }
  });

  it("refuses a row Tideflow refuses, with the native pipeline's message", async () => {
    const train = generate(1500, 5);
    const numA = train.columns[0]?.values as Float64Array;
    const present = Array.from({ length: train.rows }, (_, i) => i).filter((i) => !Number.isNaN(numA[i] as number));
    const model = await trainModel(
      'logistic_regression',
      'binary',
      { features: ['num_a', 'num_c'], steps: [{ op: 'standardize', columns: ['num_a'] }] },
      {},
      1500,
      takeRows(train, present),
    );
    const scorer = await createOnnxScorer(model, { tideflowVersion: 'test' });
    try {
      const rows = generate(300, 8);
      const native = (() => {
        try {
          scoreFrame(model, rows);
        } catch (err) {
          return (err as Error).message;
        }
        return 'no error';
      })();
      expect(native).toMatch(/missing value/);
      // The very message of the native engine (column, count and first row).
      await expect(scorer.score(rows)).rejects.toThrow(native);
    } finally {
      await scorer.close();
    }
  });
});
