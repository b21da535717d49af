/**
 * Column statistics against numpy (fixtures/validation-stats.json, made by
 * fixtures/gen_validation_stats.py with numpy 1.24): mean, population std, min, max, quantiles
 * (numpy's default 'linear' method), 10-bin histograms, zeros, distinct and infinity counts;
 * string top values and lengths against collections.Counter. Plus booleans, timestamps and an
 * empty dataset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../ml/frame/frame';
import { computeStatistics, QUANTILE_LEVELS, topCounts, type NumericStatistics, type StringStatistics } from '../../ml/validation';

interface NumericCase {
  name: string;
  values: (number | 'inf' | '-inf' | null)[];
  expected: {
    count: number;
    missing: number;
    finite: number;
    positiveInfinity: number;
    negativeInfinity: number;
    zeros: number;
    unique: number;
    mean: number;
    std: number;
    min: number;
    max: number;
    quantiles: number[];
    histogram: { edges: number[]; counts: number[] };
  };
}
interface StringCase {
  name: string;
  values: (string | null)[];
  expected: { count: number; missing: number; unique: number; topValues: { value: string; count: number }[]; avgLength: number };
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures/validation-stats.json'), 'utf8')) as {
  levels: number[];
  numeric: NumericCase[];
  strings: StringCase[];
};
const decode = (v: NumericCase['values'][number]): number => (v === null ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** |a − b| ≤ tol · max(1, |b|). */
function close(actual: number | null | undefined, expected: number, tol = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('statistics vs numpy', () => {
  it('uses the fixture quantile levels', () => {
    expect([...QUANTILE_LEVELS]).toEqual(fixture.levels);
  });

  it.each(fixture.numeric.map((c) => [c.name, c] as const))('number column %s', (_, c) => {
    const frame: Frame = {
      rows: c.values.length,
      columns: [{ name: c.name, type: 'number', values: Float64Array.from(c.values, decode) }],
    };
    const st = computeStatistics(frame).columns[0] as NumericStatistics;
    const e = c.expected;
    expect(st).toMatchObject({
      name: c.name,
      type: 'number',
      count: e.count,
      missing: e.missing,
      finite: e.finite,
      zeros: e.zeros,
      unique: e.unique,
      positiveInfinity: e.positiveInfinity,
      negativeInfinity: e.negativeInfinity,
      nonFinite: e.positiveInfinity + e.negativeInfinity,
    });
    expect(st.missingFraction).toBe(e.missing / c.values.length);
    close(st.mean, e.mean);
    close(st.std, e.std, 1e-10);
    expect(st.min).toBe(e.min);
    expect(st.max).toBe(e.max);
    const q = st.quantiles;
    expect(q).not.toBeNull();
    [q?.p0, q?.p1, q?.p5, q?.p25, q?.p50, q?.p75, q?.p95, q?.p99, q?.p100].forEach((v, i) => close(v, e.quantiles[i] as number));
    expect(st.histogram?.counts).toEqual(e.histogram.counts);
    st.histogram?.edges.forEach((edge, i) => close(edge, e.histogram.edges[i] as number));
  });

  it.each(fixture.strings.map((c) => [c.name, c] as const))('string column %s', (_, c) => {
    const frame: Frame = { rows: c.values.length, columns: [{ name: c.name, type: 'string', values: c.values }] };
    const st = computeStatistics(frame).columns[0] as StringStatistics;
    expect(st).toMatchObject({
      count: c.expected.count,
      missing: c.expected.missing,
      unique: c.expected.unique,
      topValues: c.expected.topValues,
    });
    close(st.avgLength, c.expected.avgLength);
  });
});

describe('statistics of other column types', () => {
  it('booleans: counts, top values, missing', () => {
    const frame: Frame = { rows: 5, columns: [{ name: 'member', type: 'boolean', values: Float64Array.from([1, 0, 1, NaN, 1]) }] };
    expect(computeStatistics(frame).columns[0]).toEqual({
      name: 'member',
      type: 'boolean',
      count: 4,
      missing: 1,
      missingFraction: 0.2,
      unique: 2,
      trueCount: 3,
      falseCount: 1,
      topValues: [
        { value: 'true', count: 3 },
        { value: 'false', count: 1 },
      ],
    });
  });

  it('timestamps: numeric statistics in epoch ms, min and max also as ISO', () => {
    const t = ['2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z', '2024-01-02T00:00:00Z'].map(Date.parse);
    const frame: Frame = { rows: 4, columns: [{ name: 'ts', type: 'timestamp', values: Float64Array.from([...t, NaN]) }] };
    const st = computeStatistics(frame).columns[0] as NumericStatistics;
    expect(st).toMatchObject({
      count: 3,
      missing: 1,
      min: t[0],
      max: t[1],
      mean: t[2],
      minIso: '2024-01-01T00:00:00.000Z',
      maxIso: '2024-01-03T00:00:00.000Z',
    });
    expect(st.quantiles?.p50).toBe(t[2]);
  });

  it('strings: lengths and the full domain when small', () => {
    const frame: Frame = { rows: 4, columns: [{ name: 's', type: 'string', values: ['ab', null, 'abcd', 'ab'] }] };
    expect(computeStatistics(frame).columns[0]).toMatchObject({
      avgLength: 8 / 3,
      minLength: 2,
      maxLength: 4,
      domain: [
        { value: 'ab', count: 2 },
        { value: 'abcd', count: 1 },
      ],
    });
    const many: Frame = { rows: 150, columns: [{ name: 's', type: 'string', values: Array.from({ length: 150 }, (_, i) => `v${i}`) }] };
    const st = computeStatistics(many).columns[0] as StringStatistics;
    expect(st.domain).toBeUndefined();
    expect(st.topValues).toHaveLength(10);
    expect(st.unique).toBe(150);
  });

  it('an empty dataset and all-missing columns: zero counts, null summaries', () => {
    const empty: Frame = {
      rows: 0,
      columns: [
        { name: 'x', type: 'number', values: new Float64Array(0) },
        { name: 's', type: 'string', values: [] },
      ],
    };
    expect(computeStatistics(empty)).toEqual({
      rows: 0,
      columns: [
        {
          name: 'x',
          type: 'number',
          count: 0,
          missing: 0,
          missingFraction: 0,
          finite: 0,
          nonFinite: 0,
          positiveInfinity: 0,
          negativeInfinity: 0,
          zeros: 0,
          unique: 0,
          mean: null,
          std: null,
          min: null,
          max: null,
          quantiles: null,
          histogram: null,
        },
        {
          name: 's',
          type: 'string',
          count: 0,
          missing: 0,
          missingFraction: 0,
          unique: 0,
          topValues: [],
          avgLength: null,
          minLength: null,
          maxLength: null,
          domain: [],
        },
      ],
    });
    const allMissing: Frame = { rows: 2, columns: [{ name: 'x', type: 'number', values: Float64Array.from([NaN, NaN]) }] };
    expect(computeStatistics(allMissing).columns[0]).toMatchObject({ count: 0, missing: 2, missingFraction: 1, mean: null });
  });

  it('topCounts keeps the k most frequent, ties by value', () => {
    const counts = new Map([
      ['b', 3],
      ['a', 3],
      ['c', 5],
      ['d', 1],
      ['e', 3],
    ]);
    expect(topCounts(counts, 3)).toEqual([
      { value: 'c', count: 5 },
      { value: 'a', count: 3 },
      { value: 'b', count: 3 },
    ]);
  });
});
