/** Outputs passed by reference on the real MinIO: round trip, and corruption detected on read. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../config/env';
import { getJsonByRef, ObjectIntegrityError, parseS3Uri, putJsonText } from '../../storage/json-objects';
import { createS3Client } from '../../storage/s3-client';

describe('outputs by reference', () => {
  const config = loadConfig({ ...process.env, ...inject('stack').env });
  const s3 = createS3Client(config.s3);
  const key = `tests/output-refs/${Date.now()}.json`;

  it('round-trips a JSON document and records its size, checksum and list length', async () => {
    const value = Array.from({ length: 1000 }, (_, i) => ({ i, s: 'é'.repeat(i % 7) }));
    const ref = await putJsonText(s3, config.s3.bucket, key, JSON.stringify(value), value.length);
    expect(ref).toMatchObject({ $tideflowRef: 1, uri: `s3://${config.s3.bucket}/${key}`, length: 1000 });
    expect(ref.bytes).toBe(Buffer.byteLength(JSON.stringify(value)));
    expect(await getJsonByRef(s3, ref)).toEqual(value);
  });

  it('refuses an object whose content changed after it was referenced', async () => {
    const ref = await putJsonText(s3, config.s3.bucket, key, JSON.stringify({ rows: [1, 2, 3] }));
    const { bucket, key: k } = parseS3Uri(ref.uri);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: JSON.stringify({ rows: [1, 2, 4] }) }));
    const err = await getJsonByRef(s3, ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectIntegrityError);
    expect((err as Error).message).toContain(`${ref.uri} is corrupted`);
  });

  it('says which object is missing', async () => {
    const ref = { $tideflowRef: 1 as const, uri: `s3://${config.s3.bucket}/tests/output-refs/missing.json`, bytes: 2, sha256: 'x' };
    await expect(getJsonByRef(s3, ref)).rejects.toThrow(`${ref.uri} does not exist`);
  });
});
