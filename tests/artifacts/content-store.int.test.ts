/** The content-addressed artifact store on the real MinIO: addressing, dedupe, corruption, traversal. */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArtifactCorruptedError,
  InvalidKeyError,
  contentKey,
  downloadArtifact,
  openArtifact,
  putArtifactBytes,
  putArtifactStream,
  readArtifactBytes,
  sweepStaging,
  validateKey,
  validatePrefix,
} from '../../storage/artifacts';
import { testStore } from './store-helper';

const store = testStore('artifacts');
const dir = mkdtempSync(join(tmpdir(), 'tideflow-artifacts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

async function* chunks(parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('content-addressed artifacts', () => {
  it('derives the key from the sha256 and stores identical content once', async () => {
    const body = `hello artifacts ${Date.now()}`;
    const first = await putArtifactBytes(store, body);
    expect(first).toMatchObject({ sha256: sha(body), bytes: Buffer.byteLength(body), deduplicated: false });
    expect(first.key).toBe(contentKey(store.prefix, sha(body)));
    expect(first.uri).toBe(`s3://${store.bucket}/${first.key}`);
    const again = await putArtifactBytes(store, body);
    expect(again).toMatchObject({ key: first.key, deduplicated: true });
    // The same content through the streaming path lands on the same key, deduplicated too.
    const streamed = await putArtifactStream(store, chunks([body.slice(0, 5), body.slice(5)]));
    expect(streamed).toMatchObject({ key: first.key, deduplicated: true, bytes: first.bytes });
    expect((await readArtifactBytes(store, first)).toString()).toBe(body);
    const listed = await store.s3.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.prefix }));
    // One content object, and no staging leftovers.
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([first.key]);
  });

  it('streams new content to its content key and downloads it verified', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => `line ${i} ${'x'.repeat(1000)}\n`);
    const whole = parts.join('');
    const progress: number[] = [];
    const ref = await putArtifactStream(store, chunks(parts), { onProgress: (n) => progress.push(n), progressEveryBytes: 10_000 });
    expect(ref).toMatchObject({ sha256: sha(whole), bytes: whole.length, deduplicated: false });
    expect(progress.length).toBeGreaterThan(3);
    const file = join(dir, 'out.txt');
    await downloadArtifact(store, ref, file);
    expect(readFileSync(file, 'utf8')).toBe(whole);
  });

  it('detects a corrupted object and never hands its bytes over', async () => {
    const ref = await putArtifactBytes(store, `precious model ${Date.now()}`);
    // Someone (or bit rot) replaces the object's bytes behind the store's back.
    await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: ref.key, Body: 'tampered model bytes!!' }));
    await expect(readArtifactBytes(store, ref)).rejects.toThrow(ArtifactCorruptedError);
    await expect(readArtifactBytes(store, ref)).rejects.toThrow(
      /is corrupted: expected \d+ bytes with sha256 [0-9a-f]{64}, got \d+ bytes with sha256 [0-9a-f]{64}$/,
    );
    const file = join(dir, 'corrupt.bin');
    await expect(downloadArtifact(store, ref, file)).rejects.toThrow(ArtifactCorruptedError);
    expect(existsSync(file)).toBe(false);
    const stream = await openArtifact(store, { key: ref.key });
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toThrow(ArtifactCorruptedError);
  });

  it('sweeps staging leftovers of dead uploads, but not young ones', async () => {
    const old = `${store.prefix}artifacts/staging/dead-upload`;
    await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: old, Body: 'partial' }));
    expect(await sweepStaging(store, 60_000)).toEqual([]);
    expect(await sweepStaging(store, 60_000, Date.now() + 120_000)).toEqual([old]);
  });

  it('rejects traversal, absolute and control-character keys and prefixes', () => {
    for (const bad of [
      '../etc/passwd',
      'a/../../b',
      '/abs/key',
      'a//b',
      'a/./b',
      'C:/x',
      'a\\b',
      'bell\u0007',
      'nl\nkey',
      'nul\u0000',
      '..',
    ]) {
      expect(() => validateKey(bad), bad).toThrow(InvalidKeyError);
    }
    for (const bad of ['../up/', '/root/', 'a/../', 'tab\t/']) expect(() => validatePrefix(bad), bad).toThrow(InvalidKeyError);
    expect(validateKey('datasets/2024-01-01/sales.json')).toBe('datasets/2024-01-01/sales.json');
    expect(validatePrefix('team/tideflow')).toBe('team/tideflow/');
    expect(() => contentKey('', '../../x')).toThrow(InvalidKeyError);
    expect(() => contentKey('../', sha('x'))).toThrow(InvalidKeyError);
  });
});
