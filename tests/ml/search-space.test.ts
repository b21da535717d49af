/**
 * Search spaces: grid expansion order and cap, seeded random sampling (lists, ranges, log and
 * integer ranges, sampling without replacement from all-list spaces), and named refusals.
 */
import { describe, expect, it } from 'vitest';
import { expandSearch, searchSpaceSchema, searchSpecSchema, type SearchSpace } from '../../mlops/search-space';

describe('grid search', () => {
  it('is the Cartesian product, keys alphabetical with the last varying fastest, entries in turn', () => {
    const space: SearchSpace = [
      { kind: 'gbt', params: { maxLeafNodes: [15, 31], learningRate: [0.05, 0.1, 0.2] } },
      { kind: 'logistic_regression', params: { C: [0.1, 1] } },
      { kind: 'linear_regression', params: {} },
    ];
    const trials = expandSearch(space, { strategy: 'grid' });
    expect(trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(trials.slice(0, 6).map((t) => t.hyperparams)).toEqual([
      { learningRate: 0.05, maxLeafNodes: 15 },
      { learningRate: 0.05, maxLeafNodes: 31 },
      { learningRate: 0.1, maxLeafNodes: 15 },
      { learningRate: 0.1, maxLeafNodes: 31 },
      { learningRate: 0.2, maxLeafNodes: 15 },
      { learningRate: 0.2, maxLeafNodes: 31 },
    ]);
    expect(trials.slice(6).map((t) => [t.kind, t.hyperparams])).toEqual([
      ['logistic_regression', { C: 0.1 }],
      ['logistic_regression', { C: 1 }],
      ['linear_regression', {}],
    ]);
  });

  it('refuses ranges and grids over the cap, saying how big the grid is', () => {
    expect(() => expandSearch([{ kind: 'gbt', params: { learningRate: { low: 0.01, high: 0.3 } } }], { strategy: 'grid' })).toThrow(
      /gbt 'learningRate' is a range \(use random search/,
    );
    const big: SearchSpace = [
      {
        kind: 'gbt',
        params: {
          maxIter: [50, 100, 200],
          maxLeafNodes: Array.from({ length: 20 }, (_, i) => i + 2),
          learningRate: Array.from({ length: 20 }, (_, i) => (i + 1) / 100),
        },
      },
    ];
    expect(() => expandSearch(big, { strategy: 'grid' })).toThrow(
      'the grid has 1200 combinations (gbt: learningRate 20 × maxIter 3 × maxLeafNodes 20), over the cap of 1000 trials; shrink the lists or use random search',
    );
    expect(expandSearch(big, { strategy: 'grid', maxTrials: 1200 })).toHaveLength(1200);
  });

  it('checks every value against the kind’s hyperparameters, naming the entry and key', () => {
    expect(() => expandSearch([{ kind: 'gbt', params: { maxLeafNodes: [31, 1] } }], { strategy: 'grid' })).toThrow(
      "search space entry 0 (gbt): gbt hyperparameter 'maxLeafNodes' must be an integer in 2..65536, got 1",
    );
    expect(() =>
      expandSearch(
        [
          { kind: 'linear_regression', params: {} },
          { kind: 'gbt', params: { leaves: [3] } },
        ],
        { strategy: 'grid' },
      ),
    ).toThrow(/search space entry 1 \(gbt\): unknown gbt hyperparameter 'leaves' \(known: learningRate, maxIter/);
    expect(() => expandSearch([{ kind: 'logistic_regression', params: { C: [1], l2: [0.1] } }], { strategy: 'grid' })).toThrow(
      /either 'C' or 'l2'/,
    );
    expect(() => expandSearch([{ kind: 'gbt', params: { maxIter: [] } }], { strategy: 'grid' })).toThrow(/'maxIter' has an empty list/);
    expect(() => expandSearch([], { strategy: 'grid' })).toThrow(/no estimator entries/);
  });
});

describe('random search', () => {
  const space: SearchSpace = [
    {
      kind: 'gbt',
      params: {
        learningRate: { low: 0.01, high: 1, log: true },
        maxLeafNodes: { low: 8, high: 64, int: true },
        l2: { low: 0, high: 2 },
        earlyStopping: [true, false],
      },
    },
  ];

  it('is seeded: the same seed gives the same trials, another seed others', () => {
    const a = expandSearch(space, { strategy: 'random', trials: 20, seed: 1 });
    expect(a).toHaveLength(20);
    expect(expandSearch(space, { strategy: 'random', trials: 20, seed: 1 })).toEqual(a);
    expect(expandSearch(space, { strategy: 'random', trials: 20, seed: 2 })).not.toEqual(a);
  });

  it('samples ranges within bounds: integers inclusive, log ranges log-uniformly', () => {
    const trials = expandSearch(space, { strategy: 'random', trials: 1000, seed: 3 });
    const lr = trials.map((t) => t.hyperparams['learningRate'] as number);
    const leaves = trials.map((t) => t.hyperparams['maxLeafNodes'] as number);
    const l2 = trials.map((t) => t.hyperparams['l2'] as number);
    expect(Math.min(...lr)).toBeGreaterThanOrEqual(0.01);
    expect(Math.max(...lr)).toBeLessThanOrEqual(1);
    // Log-uniform on [0.01, 1]: about half the draws below the geometric midpoint 0.1.
    expect(lr.filter((v) => v < 0.1).length / 1000).toBeGreaterThan(0.45);
    expect(lr.filter((v) => v < 0.1).length / 1000).toBeLessThan(0.55);
    expect(leaves.every(Number.isInteger)).toBe(true);
    expect(Math.min(...leaves)).toBe(8);
    expect(Math.max(...leaves)).toBe(64);
    expect(Math.min(...l2)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...l2)).toBeLessThan(2);
    expect(new Set(trials.map((t) => t.hyperparams['earlyStopping']))).toEqual(new Set([true, false]));
  });

  it('takes estimator entries in turn', () => {
    const two: SearchSpace = [
      { kind: 'gbt', params: { maxIter: { low: 10, high: 20, int: true } } },
      { kind: 'logistic_regression', params: { C: { low: 0.01, high: 10, log: true } } },
    ];
    expect(expandSearch(two, { strategy: 'random', trials: 4, seed: 0 }).map((t) => t.kind)).toEqual([
      'gbt',
      'logistic_regression',
      'gbt',
      'logistic_regression',
    ]);
  });

  it('over lists only: distinct grid points without replacement, the whole grid when asked for more', () => {
    const lists: SearchSpace = [
      { kind: 'gbt', params: { maxLeafNodes: [8, 16, 31, 63], learningRate: [0.03, 0.1, 0.3], maxIter: [50, 100] } },
    ];
    const grid = expandSearch(lists, { strategy: 'grid' }).map((t) => JSON.stringify(t.hyperparams));
    const picked = expandSearch(lists, { strategy: 'random', trials: 10, seed: 5 }).map((t) => JSON.stringify(t.hyperparams));
    expect(new Set(picked).size).toBe(10);
    for (const p of picked) expect(grid).toContain(p);
    expect(expandSearch(lists, { strategy: 'random', trials: 100, seed: 5 }).map((t) => JSON.stringify(t.hyperparams))).toEqual(grid);
  });

  it('refuses a missing trial count, too many trials and ill-formed ranges', () => {
    expect(() => expandSearch(space, { strategy: 'random' })).toThrow(/random search needs 'trials'/);
    expect(() => expandSearch(space, { strategy: 'random', trials: 5000 })).toThrow(/5000 trials, over the cap of 1000/);
    expect(() =>
      expandSearch([{ kind: 'gbt', params: { maxLeafNodes: { low: 8, high: 64 } } }], { strategy: 'random', trials: 3 }),
    ).toThrow(/'maxLeafNodes' is an integer hyperparameter; its range needs "int": true/);
    expect(() =>
      expandSearch([{ kind: 'gbt', params: { learningRate: { low: 0, high: 1, log: true } } }], { strategy: 'random', trials: 3 }),
    ).toThrow(/log range of 'learningRate' needs low > 0/);
    expect(() =>
      expandSearch([{ kind: 'gbt', params: { learningRate: { low: 1, high: 0.5 } } }], { strategy: 'random', trials: 3 }),
    ).toThrow(/needs finite low < high, got 1..0.5/);
    expect(() =>
      expandSearch([{ kind: 'gbt', params: { learningRate: { low: -1, high: 0.5 } } }], { strategy: 'random', trials: 3 }),
    ).toThrow(/'learningRate' must be a number > 0/);
    expect(() =>
      expandSearch([{ kind: 'gbt', params: { earlyStopping: { low: 0, high: 1 } } }], { strategy: 'random', trials: 3 }),
    ).toThrow(/'earlyStopping' is true\/false; give a list/);
  });
});

describe('zod schemas (DAG params)', () => {
  it('accepts one entry or a list; defaults params to {}', () => {
    expect(searchSpaceSchema.parse({ kind: 'gbt', params: { maxIter: [10] } })).toEqual([{ kind: 'gbt', params: { maxIter: [10] } }]);
    expect(searchSpaceSchema.parse([{ kind: 'linear_regression' }])).toEqual([{ kind: 'linear_regression', params: {} }]);
  });

  it('refuses bad spaces with the same named messages', () => {
    const r = searchSpaceSchema.safeParse([{ kind: 'gbt', params: { maxBins: [512] } }]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(
      "search space entry 0 (gbt): gbt hyperparameter 'maxBins' must be an integer in 2..255, got 512",
    );
    expect(searchSpaceSchema.safeParse([{ kind: 'svm', params: {} }]).success).toBe(false);
    expect(searchSpaceSchema.safeParse([{ kind: 'gbt', params: { maxIter: { low: 1, high: 5, step: 1 } } }]).success).toBe(false);
  });

  it('a random search spec needs trials', () => {
    const r = searchSpecSchema.safeParse({ strategy: 'random', space: { kind: 'gbt' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['trials']);
    expect(searchSpecSchema.parse({ strategy: 'random', trials: 8, seed: 1, space: { kind: 'gbt' } }).space).toEqual([
      { kind: 'gbt', params: {} },
    ]);
  });
});

describe('random search over a mixed space', () => {
  it('entries take turns; an entry of lists deals its grid without repeats until it runs out', () => {
    const space: SearchSpace = [
      { kind: 'gbt', params: { learningRate: { low: 0.01, high: 0.3, log: true } } },
      { kind: 'linear_regression', params: { alpha: [0.1, 1, 10] } },
    ];
    const trials = expandSearch(space, { strategy: 'random', trials: 8, seed: 5 });
    expect(trials.map((t) => t.kind)).toEqual([
      'gbt',
      'linear_regression',
      'gbt',
      'linear_regression',
      'gbt',
      'linear_regression',
      'gbt',
      'linear_regression',
    ]);
    const alphas = trials.filter((t) => t.kind === 'linear_regression').map((t) => t.hyperparams['alpha']);
    expect(new Set(alphas.slice(0, 3))).toEqual(new Set([0.1, 1, 10]));
    expect(alphas[3]).toBe(alphas[0]);
    expect(expandSearch(space, { strategy: 'random', trials: 8, seed: 5 })).toEqual(trials);
  });
});
