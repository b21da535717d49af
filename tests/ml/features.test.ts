import { describe, expect, it } from 'vitest';
import { encodeLabels, fitPipeline, transformRows } from '../../activities/ml/lib/features';
import type { Row } from '../../activities/ml/types';

const spec = { numeric: ['x'], categorical: ['color'] };
const train: Row[] = [
  { x: 1, color: 'red', y: 'a' },
  { x: 2, color: 'blue', y: 'b' },
  { x: 3, color: 'red', y: 'a' },
];
// Far-off values and an unseen category: none of them may influence the fit.
const test: Row[] = [
  { x: 1000, color: 'green', y: 'b' },
  { x: 2, color: 'blue', y: 'a' },
];

describe('feature pipeline', () => {
  it('learns mean, population std and categories from the train rows alone', () => {
    const p = fitPipeline(train, spec);
    expect(p.numeric).toEqual([{ name: 'x', mean: 2, std: Math.sqrt(2 / 3) }]);
    expect(p.categorical).toEqual([{ name: 'color', categories: ['blue', 'red'] }]);
    expect(p.featureNames).toEqual(['x', 'color=blue', 'color=red']);
    expect(p.fittedRows).toBe(3);
  });

  it('does not leak: test rows are transformed with train statistics only', () => {
    const p = fitPipeline(train, spec);
    // Fitting on train + test would move the mean and add 'green': the train-only fit has neither.
    expect(fitPipeline([...train, ...test], spec).numeric[0]?.mean).not.toBe(p.numeric[0]?.mean);
    expect(p.categorical[0]?.categories).not.toContain('green');
    const m = transformRows(p, test);
    const std = Math.sqrt(2 / 3);
    expect(Array.from(m.data)).toEqual([(1000 - 2) / std, 0, 0, 0, 1, 0]);
  });

  it('standardizes train rows to mean 0 and std 1', () => {
    const m = transformRows(fitPipeline(train, spec), train);
    const xs = [0, 1, 2].map((i) => m.data[i * 3] as number);
    expect(xs.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    expect(xs.reduce((s, v) => s + v * v, 0) / 3).toBeCloseTo(1, 12);
  });

  it('encodes an unseen category as all zeros and a constant column with scale 1', () => {
    const p = fitPipeline([{ x: 5, color: 'red' }, { x: 5, color: 'red' }], spec);
    expect(p.numeric[0]).toEqual({ name: 'x', mean: 5, std: 1 });
    expect(Array.from(transformRows(p, [{ x: 6, color: 'purple' }]).data)).toEqual([1, 0]);
  });

  it('refuses a non-numeric value in a numeric column, naming it', () => {
    expect(() => fitPipeline([{ x: 'n/a', color: 'red' }], spec)).toThrow(/'x'/);
  });

  it('encodes labels by the class list, rejecting unknown classes', () => {
    expect(Array.from(encodeLabels(train, 'y', ['a', 'b']))).toEqual([0, 1, 0]);
    expect(() => encodeLabels(train, 'y', ['a'])).toThrow(/'y'/);
  });
});
