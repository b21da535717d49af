/**
 * Registry documents are declared once (defineArtifact, registry/types.ts). Documents written
 * before they carried a format version (the fixtures are byte-for-byte what earlier workers
 * wrote) still parse, and read as format version 1; a corrupt one is refused naming its key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../../core/errors';
import { aliasDocument, modelVersionDocument, registeredModelDocument } from '../../registry';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;

describe('registry documents', () => {
  it('reads a version written before format versions, keeping the model version number', () => {
    const old = fixture('old-model-version.json');
    const v = modelVersionDocument.parse(old, 'registry/models/churn/versions/0000000003.json');
    expect(v.formatVersion).toBe(1);
    expect(v.version).toBe(3);
    expect(v.status).toBe('ready');
    expect(v.source.logicalDate).toBe('2026-11-30T00:00:00.000Z');
    expect(v.params).toEqual(old.params);
    // Nothing of the stored document is lost on the way through (a rewrite keeps every field).
    expect({ ...v, formatVersion: undefined }).toEqual({ ...old, formatVersion: undefined });
  });

  it('reads an alias and its audit trail, and a registered model, written before format versions', () => {
    const a = aliasDocument.parse(fixture('old-model-alias.json'), 'aliases/champion.json');
    expect([a.version, a.previous, a.events.map((e) => e.action)]).toEqual([3, [1], ['promote', 'refused', 'promote']]);
    expect(registeredModelDocument.parse(fixture('old-registered-model.json'), 'model.json').formatVersion).toBe(1);
  });

  it('refuses a corrupt version document, or a newer format version, naming the key and the field', () => {
    const where = 's3://b/registry/models/churn/versions/0000000003.json';
    const bad = { ...fixture('old-model-version.json'), status: 'promoted' };
    expect(() => modelVersionDocument.parse(bad, where)).toThrow(ArtifactError);
    expect(() => modelVersionDocument.parse(bad, where)).toThrow(`${where} is not a valid tideflow.model-version: status:`);
    const newer = { ...fixture('old-model-version.json'), formatVersion: 2 };
    expect(() => modelVersionDocument.parse(newer, where)).toThrow('tideflow.model-version version 2; this worker reads version 1');
  });
});
