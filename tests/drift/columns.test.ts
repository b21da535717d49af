import { describe, expect, it } from 'vitest';
import { columnDrift, datasetDrift, defaultMethod, isDrifted } from '../../ml/drift';
import { sample } from './samples';

describe('Evidently default methods and thresholds', () => {
  it('picks the method by reference size, type and unique values', () => {
    expect(defaultMethod('numeric', 1000, 6)).toBe('ks');
    expect(defaultMethod('numeric', 1000, 5)).toBe('chisquare');
    expect(defaultMethod('numeric', 1000, 3)).toBe('chisquare');
    expect(defaultMethod('categorical', 500, 3)).toBe('chisquare');
    expect(defaultMethod('categorical', 500, 2)).toBe('z');
    expect(defaultMethod('numeric', 1000, 2)).toBe('z');
    expect(defaultMethod('numeric', 1001, 6)).toBe('wasserstein');
    expect(defaultMethod('numeric', 1001, 5)).toBe('jensenshannon');
    expect(defaultMethod('categorical', 5000, 40)).toBe('jensenshannon');
  });

  it('compares p-values and distances the right way round', () => {
    expect(isDrifted('ks', 0.05, 0.05)).toBe(true);
    expect(isDrifted('chisquare', 0.05, 0.05)).toBe(false);
    expect(isDrifted('z', 0.049, 0.05)).toBe(true);
    expect(isDrifted('wasserstein', 0.1, 0.1)).toBe(true);
    expect(isDrifted('jensenshannon', 0.09, 0.1)).toBe(false);
  });

  it('detects a shifted numeric column and leaves a stable one alone', () => {
    const ref = sample({ seed: 1, n: 500, loc: 0, scale: 1 });
    const shifted = columnDrift({ name: 'x', kind: 'numeric', reference: ref, current: sample({ seed: 2, n: 400, loc: 0.5, scale: 1 }) });
    expect(shifted).toMatchObject({ method: 'ks', drifted: true });
    const stable = columnDrift({ name: 'x', kind: 'numeric', reference: ref, current: sample({ seed: 3, n: 400, loc: 0, scale: 1 }) });
    expect(stable.drifted).toBe(false);
  });

  it('dataset drift when the share of drifted columns reaches the threshold', () => {
    const ref = sample({ seed: 4, n: 2000, loc: 0, scale: 1 });
    const cols = [
      { name: 'a', kind: 'numeric' as const, reference: ref, current: sample({ seed: 5, n: 2000, loc: 1, scale: 1 }) },
      { name: 'b', kind: 'numeric' as const, reference: ref, current: sample({ seed: 6, n: 2000, loc: 0, scale: 1 }) },
    ];
    const r = datasetDrift(cols);
    expect(r.columns.map((c) => [c.method, c.drifted])).toEqual([
      ['wasserstein', true],
      ['wasserstein', false],
    ]);
    expect(r).toMatchObject({ share: 0.5, drifted: true });
    expect(datasetDrift(cols, { driftShare: 0.75 }).drifted).toBe(false);
  });

  it('reports unseen categories on the chi-square path, and honours an explicit method', () => {
    const r = columnDrift({
      name: 'c',
      kind: 'categorical',
      reference: ['a', 'b', 'c', 'a', 'b', 'c'],
      current: ['a', 'b', 'c', 'd', 'd', 'd'],
    });
    expect(r.method).toBe('chisquare');
    expect(r.unseenCategories).toEqual(['d']);
    const p = columnDrift(
      {
        name: 'x',
        kind: 'numeric',
        reference: sample({ seed: 7, n: 300, loc: 0, scale: 1 }),
        current: sample({ seed: 8, n: 300, loc: 2, scale: 1 }),
      },
      { method: 'psi' },
    );
    expect(p).toMatchObject({ method: 'psi', threshold: 0.1, drifted: true });
  });
});
