/**
 * The reference profile's one declaration (`tideflow.reference-profile`, activities/ml/profile.ts):
 * profiles as written since the first version parse; a bad one fails naming the document and field.
 */
import { describe, expect, it } from 'vitest';
import { buildProfile, isReferenceProfile, referenceProfile } from '../../activities/ml/profile';
import { ArtifactError } from '../../core/errors';

/** A profile as the first builder wrote it (commit 2879a9d; the shape has not changed since). */
const firstProfile = {
  format: 'tideflow.reference-profile',
  version: 1,
  rows: 4,
  sampleSize: 4,
  seed: 42,
  features: {
    body_mass_g: { kind: 'numeric', count: 3, missing: 1, min: 3100, max: 4500, edges: [3100, 3800, 4500], counts: [1, 2] },
    island: { kind: 'categorical', count: 4, missing: 0, categories: { Biscoe: 3, Dream: 1 } },
  },
  sample: [
    { body_mass_g: 3100, island: 'Biscoe' },
    { body_mass_g: 4500, island: 'Dream' },
    { body_mass_g: 4400, island: 'Biscoe' },
    { body_mass_g: null, island: 'Biscoe' },
  ],
};

describe('tideflow.reference-profile', () => {
  it('reads a first-version profile, and one without a format version as version 1', () => {
    expect(referenceProfile.parse(firstProfile, 'p.json').features.island).toEqual(firstProfile.features.island);
    const { version: _v, ...unversioned } = firstProfile;
    expect(referenceProfile.parse(unversioned, 'p.json').version).toBe(1);
  });

  it('what buildProfile writes, through JSON, parses as its declared format', () => {
    const built = buildProfile(firstProfile.sample);
    expect(referenceProfile.parse(JSON.parse(JSON.stringify(built)), 'built.json')).toEqual(built);
    expect(isReferenceProfile(built)).toBe(true);
  });

  it('refuses a bad profile naming the document and the field (not just its format field)', () => {
    const bad = { ...firstProfile, features: { x: { kind: 'numeric', count: 1, missing: 0 } } };
    expect(isReferenceProfile(bad)).toBe(false);
    expect(() => referenceProfile.parse(bad, 'profile s3://b/p.json')).toThrow(ArtifactError);
    expect(() => referenceProfile.parse(bad, 'profile s3://b/p.json')).toThrow(
      /^profile s3:\/\/b\/p\.json is not a valid tideflow\.reference-profile: features\.x\./,
    );
    expect(() => referenceProfile.parse({ ...firstProfile, format: 'tideflow.drift-report' }, 'p.json')).toThrow(
      'p.json is not a tideflow.reference-profile: its format is "tideflow.drift-report"',
    );
  });
});
