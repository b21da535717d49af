/**
 * The time-based split (train earlier, test later; ties never split; missing timestamps an error
 * or excluded) and the plain seeded random split. The stratified split is in split.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { randomSplit, stratifiedSplit, timeSplit } from '../../ml/model-selection/split';

const day = (d: number): number => Date.UTC(2024, 0, d);

describe('timeSplit', () => {
  // Row order is not time order: rows are shuffled days 1..10.
  const days = [5, 1, 9, 3, 7, 10, 2, 8, 4, 6];
  const ts = Float64Array.from(days, day);

  it('puts the latest testFraction of rows in test, every train row before every test row', () => {
    const s = timeSplit(ts, { testFraction: 0.3 });
    expect(s.test.map((i) => days[i])).toEqual([9, 10, 8]);
    expect(s.test).toEqual([2, 5, 7]);
    expect(s.train).toHaveLength(7);
    expect(s.cutoff).toBe(day(8));
    const latestTrain = Math.max(...s.train.map((i) => ts[i] as number));
    const earliestTest = Math.min(...s.test.map((i) => ts[i] as number));
    expect(latestTrain).toBeLessThan(earliestTest);
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual([...days.keys()]);
    expect(s.train).toEqual([...s.train].sort((a, b) => a - b));
  });

  it('splits at an explicit cutoff: before → train, at or after → test', () => {
    const s = timeSplit(ts, { cutoff: day(4) });
    expect(s.train.map((i) => days[i]).sort((a, b) => (a as number) - (b as number))).toEqual([1, 2, 3]);
    expect(s.test.map((i) => days[i]).sort((a, b) => (a as number) - (b as number))).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('never splits rows with the same timestamp: a tie at the boundary all goes to test', () => {
    // Times: 1,2,3,3,3,3,4 — 30 % of 7 rows is 2, which would cut the run of 3s; all four go to test.
    const tied = Float64Array.from([3, 1, 3, 4, 3, 2, 3], day);
    const s = timeSplit(tied, { testFraction: 0.3 });
    expect(s.test.map((i) => tied[i])).toEqual([day(3), day(3), day(4), day(3), day(3)]);
    expect(s.train.map((i) => tied[i])).toEqual([day(1), day(2)]);
    expect(s.cutoff).toBe(day(3));
  });

  it('is an error when every row has the same time, or a cutoff leaves a side empty', () => {
    expect(() => timeSplit(Float64Array.from([day(1), day(1), day(1)]), { testFraction: 0.5 })).toThrow(
      /the train side is empty.*every row has the same time/,
    );
    expect(() => timeSplit(ts, { cutoff: day(20), column: 'seen' })).toThrow(
      "timeSplit: the test side is empty (cutoff 2024-01-20T00:00:00.000Z; timestamp column 'seen' span 2024-01-01T00:00:00.000Z … 2024-01-10T00:00:00.000Z)",
    );
    expect(() => timeSplit(ts, { cutoff: day(1) })).toThrow(/the train side is empty/);
  });

  it('refuses rows without a timestamp unless told to exclude them', () => {
    const gaps = Float64Array.from([day(1), NaN, day(2), day(3), NaN, day(4)]);
    expect(() => timeSplit(gaps, { testFraction: 0.25, column: 'seen' })).toThrow(
      "timeSplit: timestamp column 'seen' has 2 rows without a valid time (first: row 1); drop them or pass missing: 'exclude'",
    );
    const s = timeSplit(gaps, { testFraction: 0.25, missing: 'exclude' });
    expect(s.excluded).toEqual([1, 4]);
    expect(s.train).toEqual([0, 2, 3]);
    expect(s.test).toEqual([5]);
  });

  it('wants exactly one of cutoff and testFraction, and a fraction in (0, 1)', () => {
    expect(() => timeSplit(ts, {})).toThrow(/exactly one of cutoff and testFraction/);
    expect(() => timeSplit(ts, { cutoff: day(3), testFraction: 0.2 })).toThrow(/exactly one/);
    expect(() => timeSplit(ts, { testFraction: 1 })).toThrow(/testFraction must be in \(0, 1\), got 1/);
  });
});

describe('randomSplit (not stratified)', () => {
  it('sends round(n · testFraction) rows to test; a partition, ascending', () => {
    const { train, test } = randomSplit(103, 0.2, 42);
    expect(test).toHaveLength(21);
    expect(train).toHaveLength(82);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual([...Array(103).keys()]);
    expect(test).toEqual([...test].sort((a, b) => a - b));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(randomSplit(50, 0.3, 7)).toEqual(randomSplit(50, 0.3, 7));
    expect(randomSplit(50, 0.3, 8).test).not.toEqual(randomSplit(50, 0.3, 7).test);
  });

  it('ignores labels: a rare class can end up on one side only, unlike the stratified split', () => {
    const labels = Array.from({ length: 40 }, (_, i) => (i === 0 ? 'rare' : 'common'));
    const sides = Array.from({ length: 20 }, (_, seed) => randomSplit(40, 0.25, seed).test.includes(0));
    // Over 20 seeds row 0 lands in test sometimes and in train sometimes.
    expect(sides).toContain(true);
    expect(sides).toContain(false);
    // The stratified split keeps a one-row class in train (it cannot be on both sides).
    expect(stratifiedSplit(labels, 0.25, 1).train).toContain(0);
  });

  it('keeps a row on each side and rejects impossible requests', () => {
    expect(randomSplit(2, 0.01, 1).test).toHaveLength(1);
    expect(randomSplit(2, 0.99, 1).train).toHaveLength(1);
    expect(() => randomSplit(1, 0.5, 1)).toThrow(/cannot split 1 row/);
    expect(() => randomSplit(10, 0, 1)).toThrow(/testFraction must be in \(0, 1\)/);
    expect(() => randomSplit(2.5, 0.5, 1)).toThrow(/row count/);
  });
});
