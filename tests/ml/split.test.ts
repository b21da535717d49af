import { InputError } from '../../core/errors';
import { describe, expect, it } from 'vitest';
import { stratifiedFolds, stratifiedSplit } from '../../ml/model-selection/split';

const labels = [...Array<string>(50).fill('a'), ...Array<string>(30).fill('b'), ...Array<string>(20).fill('c')];
/** Interleave so that class membership does not follow row order. */
const mixed = labels.map((_, i) => labels[(i * 37) % labels.length] as string);

const countBy = (idx: number[], ls: string[]) =>
  idx.reduce<Record<string, number>>((m, i) => ({ ...m, [ls[i] as string]: (m[ls[i] as string] ?? 0) + 1 }), {});

describe('stratified train/test split', () => {
  it('sends testFraction of every class to test', () => {
    const { train, test } = stratifiedSplit(mixed, 0.2, 42);
    expect(countBy(test, mixed)).toEqual({ a: 10, b: 6, c: 4 });
    expect(countBy(train, mixed)).toEqual({ a: 40, b: 24, c: 16 });
  });

  it('partitions the rows: disjoint, complete, ascending', () => {
    const { train, test } = stratifiedSplit(mixed, 0.25, 3);
    expect(new Set([...train, ...test]).size).toBe(mixed.length);
    expect(train.length + test.length).toBe(mixed.length);
    expect(train).toEqual([...train].sort((a, b) => a - b));
    expect(test).toEqual([...test].sort((a, b) => a - b));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(stratifiedSplit(mixed, 0.2, 42)).toEqual(stratifiedSplit(mixed, 0.2, 42));
    expect(stratifiedSplit(mixed, 0.2, 43).test).not.toEqual(stratifiedSplit(mixed, 0.2, 42).test);
  });

  it('keeps at least one row of a small class on each side', () => {
    const { train, test } = stratifiedSplit(['x', 'x', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'], 0.1, 1);
    expect(countBy(test, ['x', 'x', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'])).toEqual({ x: 1, y: 1 });
    expect(train).toHaveLength(8);
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(mixed, 0, 1)).toThrow(InputError);
    expect(() => stratifiedSplit(mixed, 1, 1)).toThrow(InputError);
  });
});

describe('stratified k folds', () => {
  it('balances fold sizes and the class mix of each fold', () => {
    const fold = stratifiedFolds(mixed, 3, 42);
    const sizes = [0, 1, 2].map((f) => fold.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const cls of ['a', 'b', 'c']) {
      const perFold = [0, 1, 2].map((f) => mixed.filter((l, i) => l === cls && fold[i] === f).length);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic for a seed', () => {
    expect(stratifiedFolds(mixed, 5, 9)).toEqual(stratifiedFolds(mixed, 5, 9));
    expect(stratifiedFolds(mixed, 5, 10)).not.toEqual(stratifiedFolds(mixed, 5, 9));
  });

  it('rejects impossible fold counts', () => {
    expect(() => stratifiedFolds(mixed, 1, 1)).toThrow(InputError);
    expect(() => stratifiedFolds(['a', 'b'], 3, 1)).toThrow(InputError);
  });
});

describe('stratifiedSplit at scale', () => {
  it('splits 600,000 rows of two classes without overflowing the stack', () => {
    const labels = Array.from({ length: 600_000 }, (_, i) => (i % 5 === 0 ? 'late' : 'on_time'));
    const { train, test } = stratifiedSplit(labels, 0.25, 7);
    expect(train.length + test.length).toBe(600_000);
    expect(test.length).toBe(150_000);
  });
});
