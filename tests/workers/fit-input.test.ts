/**
 * The rows train_best and tune fit on: only the columns the fit reads (the feature pipeline's
 * inputs and the target) are copied for them, unless one is missing — then every column, so the
 * pipeline's error still lists what the data has.
 */
import { describe, expect, it } from 'vitest';
import { trainRowsOf } from '../../activities/ml/offload/jobs/fit-input';
import { NUMERIC_FEATURES, SYNTHETIC_FEATURES, syntheticFrame } from './synthetic';

const frame = syntheticFrame(200, 2);
const base = { frame, rows: Int32Array.from([5, 1, 7]), target: 'label', task: 'binary' as const, classes: ['no', 'yes'], seed: 1 };

describe('trainRowsOf', () => {
  it('copies the pipeline inputs and the target of the train rows, in the frame’s column order', () => {
    const { train, y } = trainRowsOf({ ...base, features: { features: ['x3', 'region'], steps: [] } });
    expect(train.columns.map((c) => c.name)).toEqual(['x3', 'region', 'label']);
    expect(train.rows).toBe(3);
    expect(Array.from(train.columns[0]!.values as Float64Array)).toEqual([5, 1, 7].map((i) => frame.columns[3]!.values[i]));
    expect(Array.from(y)).toEqual([5, 1, 7].map((i) => (frame.columns[9]!.values[i] === 'yes' ? 1 : 0)));
    expect(trainRowsOf({ ...base, features: SYNTHETIC_FEATURES }).train.columns.map((c) => c.name)).toEqual([
      ...NUMERIC_FEATURES,
      'region',
      'label',
    ]);
  });

  it('keeps every column when an input is missing (the pipeline names it and lists the columns)', () => {
    const { train } = trainRowsOf({ ...base, features: { features: ['x3', 'nope'], steps: [] } });
    expect(train.columns.map((c) => c.name)).toEqual(frame.columns.map((c) => c.name));
  });
});
