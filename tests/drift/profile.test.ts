/** The reference profile saved with each model version: bounded, seeded, with per-feature histograms. */
import { describe, expect, it } from 'vitest';
import { buildProfile, isReferenceProfile, PROFILE_MAX_ROWS } from '../../activities/ml/profile';

const rows = Array.from({ length: 12_000 }, (_, i) => ({
  id: i,
  x: (i * 7919) % 1000,
  colour: ['red', 'green', 'blue'][i % 3],
  note: i % 10 === 0 ? null : 'n',
}));

describe('buildProfile', () => {
  it('samples at most 5000 rows, deterministically for a seed', () => {
    const p = buildProfile(rows);
    expect(isReferenceProfile(p)).toBe(true);
    expect(p).toMatchObject({ rows: 12_000, sampleSize: PROFILE_MAX_ROWS });
    expect(p.sample).toHaveLength(PROFILE_MAX_ROWS);
    expect(new Set(p.sample.map((r) => r.id)).size).toBe(PROFILE_MAX_ROWS);
    expect(buildProfile(rows).sample).toEqual(p.sample);
    expect(buildProfile(rows, { seed: 7 }).sample).not.toEqual(p.sample);
    expect(JSON.stringify(p).length).toBeLessThan(JSON.stringify(rows).length);
  });

  it('keeps small datasets whole and profiles every feature over all rows', () => {
    expect(buildProfile(rows.slice(0, 10)).sample).toEqual(rows.slice(0, 10));
    const f = buildProfile(rows, { maxRows: 100 }).features;
    expect(f.x).toMatchObject({ kind: 'numeric', count: 12_000, missing: 0, min: 0, max: 999 });
    expect(f.x?.kind === 'numeric' && f.x.counts.reduce((a, b) => a + b, 0)).toBe(12_000);
    expect(f.colour).toEqual({ kind: 'categorical', count: 12_000, missing: 0, categories: { red: 4000, green: 4000, blue: 4000 } });
    expect(f.note).toMatchObject({ kind: 'categorical', missing: 1200 });
  });
});
