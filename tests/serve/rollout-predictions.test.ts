/** The prediction-log guards of a rollout (pure): distribution drift needs distance AND significance; agreement on rows both scored. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARDS } from '../../mlops/rollout-plan';
import { judgePredictions, type LoggedAnswer } from '../../mlops/rollout-predictions';
import { judgeWindow, emptyWindow, bucketOf, routeBucket, routesToCandidate } from '../../mlops/rollout-guards';

const labels = (prefix: string, shares: Record<string, number>): LoggedAnswer[] =>
  Object.entries(shares).flatMap(([label, n]) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${label}-${i}`, label })));
const g = { ...DEFAULT_GUARDS, minRequests: 20 };

describe('judgePredictions', () => {
  it('same class shares: no drift; shifted shares over enough rows: a breach naming the distance', () => {
    const stable = labels('s', { a: 300, b: 300, c: 400 });
    const same = judgePredictions(stable, labels('c', { a: 30, b: 31, c: 39 }), g);
    expect(same).toMatchObject({ method: 'tv-distance', stableRows: 1000, candidateRows: 100, pairs: 0 });
    expect(same.drift).toBeLessThan(0.05);
    expect(same.breach).toBeUndefined();
    const shifted = judgePredictions(stable, labels('c', { a: 90, b: 5, c: 5 }), g);
    expect(shifted.drift).toBeCloseTo(0.6, 6);
    expect(shifted.breach).toMatch(
      /prediction distribution drift vs the stable version: class-share distance 0\.600 over 100 candidate and 1000 stable rows exceeds 0\.2/,
    );
  });

  it('a large distance on a handful of rows is not significant: no breach', () => {
    const v = judgePredictions(labels('s', { a: 10, b: 10 }), labels('c', { a: 1, b: 0 }), { ...g, minRequests: 1 });
    expect(v.drift).toBeCloseTo(0.5, 6);
    expect(v.pValue).toBeGreaterThan(0.01);
    expect(v.breach).toBeUndefined();
  });

  it('too few rows on a side: drift not judged', () => {
    const v = judgePredictions(labels('s', { a: 100 }), labels('c', { b: 10 }), g);
    expect(v.method).toBeUndefined();
    expect(v.breach).toBeUndefined();
  });

  it('regression values: KS statistic', () => {
    const stable = Array.from({ length: 200 }, (_, i) => ({ key: `s${i}`, value: i / 200 }));
    const moved = Array.from({ length: 200 }, (_, i) => ({ key: `c${i}`, value: 1 + i / 200 }));
    const v = judgePredictions(stable, moved, g);
    expect(v).toMatchObject({ method: 'ks', drift: 1 });
    expect(v.breach).toMatch(/KS statistic 1\.000/);
  });

  it('rows both versions scored (same request id and row): disagreement share against maxDisagreement', () => {
    const stable = Array.from({ length: 40 }, (_, i) => ({ key: `r${i}`, label: 'a' }));
    const candidate = Array.from({ length: 40 }, (_, i) => ({ key: `r${i}`, label: i < 10 ? 'b' : 'a' }));
    const v = judgePredictions(stable, candidate, { ...g, maxPredictionDrift: 1 });
    expect(v).toMatchObject({ pairs: 40, disagreement: 0.25 });
    expect(v.breach).toMatch(/disagreed with the stable version on 25\.00% of 40 rows both scored/);
    expect(judgePredictions(stable, candidate, { ...g, maxPredictionDrift: 1, maxDisagreement: 0.3 }).breach).toBeUndefined();
  });
});

describe('judgeWindow latency p99', () => {
  it('a slow tail breaches p99 while p95 holds', () => {
    const w = emptyWindow();
    w.candidate.requests = 100;
    w.candidate.latency[bucketOf(1)] = 97;
    w.candidate.latency[bucketOf(400)] = 3;
    const v = judgeWindow(false, w, { ...g, maxLatencyP95Ms: 100, maxLatencyP99Ms: 100 });
    expect(v).toMatchObject({ latencyP95Ms: 1, latencyP99Ms: 500 });
    expect(v.breach).toBe('latency p99 ≤ 500 ms over 100 requests exceeds 100 ms');
  });
});

describe('routeBucket', () => {
  it('spreads keys over 0..9999: a 10 % share takes 10 ± 1.5 % of 10,000 request ids, monotone in the share', () => {
    const salt = 'tideflow-rollout__flights/0b7a848d-b115-48de-8ee9-da148085a93b';
    const keys = Array.from({ length: 10_000 }, (_, i) => `req-${i}`);
    const buckets = keys.map((k) => routeBucket(salt, k));
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < 10_000)).toBe(true);
    const share = (w: number): number => (100 * keys.filter((k) => routesToCandidate(salt, k, w)).length) / keys.length;
    expect(Math.abs(share(10) - 10)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(share(50) - 50)).toBeLessThanOrEqual(1.5);
    expect(share(100)).toBe(100);
    for (const k of keys.slice(0, 500)) if (routesToCandidate(salt, k, 10)) expect(routesToCandidate(salt, k, 50)).toBe(true);
  });
});
