/** Outputs passed by reference on the real MinIO: round trip, and corruption detected on read. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../config/env';
import { ArtifactCorruptedError, MissingArtifactError } from '../../storage/artifacts/errors';
import { getJson, putJson } from '../../storage/artifacts/objects';
import { createArtifactStore } from '../../storage/s3-client';
import { s3Location } from '../../storage/s3-uri';

describe('outputs by reference', () => {
  const config = loadConfig({ ...process.env, ...inject('stack').env });
  const store = createArtifactStore(config.s3);
  const key = `tests/output-refs/${Date.now()}.json`;

  it('round-trips a JSON document and records its size and checksum', async () => {
    const value = Array.from({ length: 1000 }, (_, i) => ({ i, s: 'é'.repeat(i % 7) }));
    const ref = await putJson(store, key, value);
    expect(ref).toMatchObject({ uri: `s3://${config.s3.bucket}/${key}` });
    expect(ref.bytes).toBe(Buffer.byteLength(JSON.stringify(value)));
    expect(await getJson(store, ref)).toEqual(value);
  });

  it('refuses an object whose content changed after it was referenced', async () => {
    const ref = await putJson(store, key, { rows: [1, 2, 3] });
    const loc = s3Location(ref.uri);
    await store.s3.send(new PutObjectCommand({ Bucket: loc?.bucket, Key: loc?.key, Body: JSON.stringify({ rows: [1, 2, 4] }) }));
    const err = await getJson(store, ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactCorruptedError);
    expect((err as ArtifactCorruptedError).type).toBe('InvalidArtifact');
    expect((err as Error).message).toContain(`${ref.uri} is corrupted`);
  });

  it('says which object is missing', async () => {
    const ref = { uri: `s3://${config.s3.bucket}/tests/output-refs/missing.json`, bytes: 2, sha256: 'a'.repeat(64) };
    const err = await getJson(store, ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingArtifactError);
    expect((err as Error).message).toContain(`${ref.uri} does not exist`);
  });
});
