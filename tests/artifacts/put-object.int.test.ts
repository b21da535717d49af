/**
 * putObject with large bytes on the real MinIO: the sha256 is computed in slices that let the
 * event loop run in between, and the same hash signs the request's payload (the SDK does not
 * hash the body again), which MinIO checks against what it received.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readArtifactBytes } from '../../storage/artifacts';
import { putObject, sha256Hex, sha256HexYielding } from '../../storage/artifacts/objects';
import { testStore } from './store-helper';

const store = testStore('put-object');
const big = randomBytes(9 << 20);

describe('putObject of large bytes', () => {
  it('hashes in slices, yielding to the event loop between them', async () => {
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const hex = await sha256HexYielding(big);
    clearInterval(ticking);
    expect(hex).toBe(sha256Hex(big));
    expect(turns).toBeGreaterThan(0);
    expect(await sha256HexYielding(big.subarray(0, 10))).toBe(sha256Hex(big.subarray(0, 10)));
  });

  it('stores the bytes with their sha256, signed with the same hash, and reads them back verified', async () => {
    const ref = await putObject(store, `${store.prefix}big.bin`, big);
    expect(ref).toMatchObject({ bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') });
    expect(Buffer.compare(await readArtifactBytes(store, ref), big)).toBe(0);
    // The payload hash is part of what MinIO verifies: bytes that do not match it are refused.
    const wrong = Buffer.from(big);
    wrong[0] = (wrong[0] as number) ^ 1;
    await expect(putObjectClaiming(`${store.prefix}wrong.bin`, wrong, ref.sha256)).rejects.toThrow();
  });
});

/** A PutObject whose signed payload hash is `sha256` whatever the body (what putObject's middleware sets). */
async function putObjectClaiming(key: string, body: Uint8Array, sha256: string): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const put = new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: body });
  put.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = sha256;
      return next(args);
    },
    { step: 'build', name: 'claimSha256' },
  );
  await store.s3.send(put);
}
