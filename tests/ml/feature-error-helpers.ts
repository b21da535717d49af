/** The feature-pipeline error tests' input: a small frame with a missing value of each kind, and fitError. */
import { expect } from 'vitest';
import { FeaturePipelineError, fitFeaturePipeline, type FeaturePipelineSpecInput } from '../../ml/features';
import { type Frame, frameFromRows } from '../../ml/frame/frame';

const frame = frameFromRows([
  { x: 1, y: 10, island: 'Biscoe', when: '2024-01-01T00:00:00Z', gap: null },
  { x: 2, y: null, island: 'Dream', when: '2024-01-02T00:00:00Z', gap: null },
  { x: 3, y: 30, island: null, when: '2024-01-03T00:00:00Z', gap: null },
  { x: -0.5, y: 40, island: 'Biscoe', when: '2024-01-04T00:00:00Z', gap: null },
]);
// gap is all null → a string column; make it an all-missing number column instead.
export const numericGap: Frame = {
  rows: frame.rows,
  columns: frame.columns.map((c) =>
    c.name === 'gap' ? { name: 'gap', type: 'number', values: new Float64Array(frame.rows).fill(NaN) } : c,
  ),
};

/** The message of the FeaturePipelineError fitting `spec` on `f` throws; fails the test when it fits. */
export function fitError(spec: FeaturePipelineSpecInput, f: Frame = numericGap): string {
  try {
    fitFeaturePipeline(f, spec);
  } catch (e) {
    expect(e).toBeInstanceOf(FeaturePipelineError);
    return (e as Error).message;
  }
  throw new Error('expected the fit to fail');
}
