/**
 * Write an artifact under the key derived from its sha256. A stream's digest is only known at
 * its end, so it is uploaded (multipart, bounded memory) to a staging key while hashed, then
 * copied server-side to its content key and the staging object removed. The content key thus
 * appears whole or not at all: a failed or cancelled transfer leaves nothing visible under it.
 */
import { randomUUID } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { contentKey, stagingKey } from './keys';
import { HashMeter } from './meter';
import { objectExists, putObject, sha256Hex } from './objects';
import type { ArtifactStore, PutResult, TransferOptions } from './types';

/** Parts of 5 MiB (S3's minimum), 2 in flight: tens of MiB of buffers whatever the artifact's size. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

export interface PutOptions extends TransferOptions {
  contentType?: string;
  /** Object metadata (e.g. the sha256, when known before the upload). */
  metadata?: Record<string, string>;
}

function result(store: ArtifactStore, key: string, sha256: string, bytes: number, deduplicated: boolean): PutResult {
  return { uri: `s3://${store.bucket}/${key}`, key, bytes, sha256, deduplicated };
}

/** Small content already in memory: hash first, write once, straight to its content key. */
export async function putArtifactBytes(store: ArtifactStore, data: Uint8Array | string, opts: PutOptions = {}): Promise<PutResult> {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const sha256 = sha256Hex(body);
  const key = contentKey(store.prefix, sha256);
  if (await objectExists(store, key)) return result(store, key, sha256, body.length, true);
  await putObject(store, key, body, { ...opts, ...(opts.signal && { signal: opts.signal }) });
  return result(store, key, sha256, body.length, false);
}

export interface UploadOptions extends PutOptions {
  /** Applied to the bytes on their way up, before hashing (e.g. a secret mask for logs). */
  transform?: Transform;
}

/**
 * Stream `input` to `key` as a multipart upload (bounded memory), hashing and counting what is
 * uploaded; the signal aborts it, and a failed upload leaves no parts behind.
 */
export async function uploadHashed(
  store: ArtifactStore,
  key: string,
  input: Readable,
  opts: UploadOptions = {},
): Promise<{ bytes: number; sha256: string }> {
  const meter = new HashMeter(opts);
  const upload = new Upload({
    client: store.s3,
    params: {
      Bucket: store.bucket,
      Key: key,
      Body: meter,
      ContentType: opts.contentType ?? 'application/octet-stream',
      ...(opts.metadata && { Metadata: opts.metadata }),
    },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });
  const onAbort = (): void => void upload.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const copied = opts.transform ? pipeline(input, opts.transform, meter) : pipeline(input, meter);
    await Promise.all([copied, upload.done()]);
  } catch (err) {
    input.destroy();
    await upload.abort().catch(() => undefined);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return { bytes: meter.bytes, sha256: meter.hash.digest('hex') };
}

/** Any size: streamed through a multipart upload, never held in memory. */
export async function putArtifactStream(
  store: ArtifactStore,
  source: Readable | AsyncIterable<Uint8Array>,
  opts: PutOptions = {},
): Promise<PutResult> {
  const staging = stagingKey(store.prefix, randomUUID());
  const input = source instanceof Readable ? source : Readable.from(source);
  let uploaded: { bytes: number; sha256: string };
  try {
    uploaded = await uploadHashed(store, staging, input, opts);
  } catch (err) {
    await deleteQuietly(store, staging);
    throw err;
  }
  const { sha256, bytes } = uploaded;
  const key = contentKey(store.prefix, sha256);
  try {
    if (await objectExists(store, key)) return result(store, key, sha256, bytes, true);
    await store.s3.send(
      new CopyObjectCommand({
        Bucket: store.bucket,
        Key: key,
        CopySource: `${store.bucket}/${encodeURI(staging)}`,
        MetadataDirective: 'REPLACE',
        Metadata: { sha256 },
        ContentType: opts.contentType ?? 'application/octet-stream',
      }),
      opts.signal ? { abortSignal: opts.signal } : {},
    );
    return result(store, key, sha256, bytes, false);
  } finally {
    await deleteQuietly(store, staging);
  }
}

/** Staging leftovers are garbage, not data: failing to remove one must not fail the caller. */
async function deleteQuietly(store: ArtifactStore, key: string): Promise<void> {
  await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key })).catch(() => undefined);
}
