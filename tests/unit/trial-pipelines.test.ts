/** Per-trial feature pipelines: the `pipelines` param, `pipeline` on search entries, checked at trigger time. */
import { describe, expect, it } from 'vitest';
import { trialFeatures, type TrainingInputs } from '../../activities/ml/training-data';
import { mlRetrainParams } from '../../dags/ml_retrain';
import { expandSearch } from '../../mlops/search-space';

const NATIVE = { features: ['distance', 'origin'], steps: [{ op: 'categorical', columns: ['origin'] }] };
const ONEHOT = { features: ['distance', 'origin'], steps: [{ op: 'onehot', columns: ['origin'] }] };
const search = (...space: unknown[]) => ({ strategy: 'grid', space });
const issues = (value: unknown) => {
  const r = mlRetrainParams.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('per-trial feature pipelines', () => {
  it('a search entry picks a named pipeline; its trials carry the name (grid and random)', () => {
    const p = mlRetrainParams.parse({
      pipelines: { native: NATIVE, onehot: ONEHOT },
      search: search(
        { kind: 'gbt', pipeline: 'native', params: { maxIter: [5, 10] } },
        { kind: 'logistic_regression', pipeline: 'onehot' },
      ),
    });
    expect(p.pipelines?.['native']?.steps[0]?.op).toBe('categorical');
    const grid = expandSearch(p.search.space, { strategy: 'grid' });
    expect(grid.map((t) => [t.kind, t.pipeline])).toEqual([
      ['gbt', 'native'],
      ['gbt', 'native'],
      ['logistic_regression', 'onehot'],
    ]);
    const random = expandSearch(p.search.space, { strategy: 'random', trials: 2, seed: 1 });
    expect(random.every((t) => t.pipeline === (t.kind === 'gbt' ? 'native' : 'onehot'))).toBe(true);
    // Without `pipeline` the trial keeps the old shape (no key), so old histories and artifacts read the same.
    expect(expandSearch([{ kind: 'gbt', params: {} }], { strategy: 'grid' })[0]).toEqual({ index: 0, kind: 'gbt', hyperparams: {} });
  });

  it('refuses an undeclared pipeline name at trigger time, naming the entry and what is declared', () => {
    expect(issues({ pipelines: { native: NATIVE }, search: search({ kind: 'gbt', pipeline: 'nativ' }) })).toEqual([
      "search.space.0.pipeline: search space entry 0 (gbt) names pipeline 'nativ', which is not declared (declared: native)",
    ]);
    expect(issues({ search: search({ kind: 'gbt', pipeline: 'x' }) })[0]).toMatch(/no pipelines param is given/);
  });

  it("refuses a 'categorical' step in a non-gbt trial's pipeline (named or the default)", () => {
    const named = issues({
      pipelines: { native: NATIVE },
      search: search({ kind: 'gbt', pipeline: 'native' }, { kind: 'logistic_regression', pipeline: 'native' }),
    });
    expect(named).toHaveLength(1);
    expect(named[0]).toMatch(
      /^search\.space\.1\.pipeline: search space entry 1 \(logistic_regression\) uses pipeline 'native', whose step 0 \(categorical\).*only gbt/,
    );
    const dflt = issues({ features: NATIVE, search: search({ kind: 'logistic_regression' }) });
    expect(dflt[0]).toMatch(/^features\.steps\.0: .*pipeline 'features'/);
    expect(issues({ features: NATIVE, search: search({ kind: 'gbt' }) })).toEqual([]);
  });

  it('refuses a bad pipeline name or spec, naming it', () => {
    expect(issues({ pipelines: { '1x': ONEHOT } }).join()).toMatch(/pipelines\.1x: pipeline name '1x' must be a letter/);
    expect(issues({ pipelines: { a: { features: ['x'], steps: [{ op: 'nope' }] } } }).join()).toMatch(/^pipelines\.a\.steps\.0/);
  });

  it('trialFeatures: the named pipeline, else the default; an undeclared name is bad input', () => {
    const input = { features: ONEHOT, pipelines: { native: NATIVE } } as unknown as TrainingInputs;
    expect(trialFeatures(input, undefined)).toBe(ONEHOT);
    expect(trialFeatures(input, 'native')).toBe(NATIVE);
    expect(() => trialFeatures(input, 'other')).toThrow(/pipeline 'other' is not declared \(declared: native\)/);
  });
});
