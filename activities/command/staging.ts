/**
 * Moving files between S3 and the command's private directory, streamed with bounded memory.
 *
 * Inputs are downloaded while hashed and checked against the reference's sha256 and size (or,
 * for a content-addressed key, the digest in the key) before the process may read them.
 * Outputs and logs are uploaded while hashed, under the run's prefix, and returned as the
 * `{uri, bytes, sha256}` references every Tideflow reader verifies. Logs pass through the mask.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { FailureType, InputError } from '../../core/errors';
import { ArtifactCorruptedError, MissingArtifactError } from '../../storage/artifacts/errors';
import { digestOfKey } from '../../storage/artifacts/keys';
import { HashMeter } from '../../storage/artifacts/meter';
import { isNotFound } from '../../storage/artifacts/s3-errors';
import { putFile } from '../../storage/artifacts/put-file';
import { uploadHashed, type UploadOptions } from '../../storage/artifacts/upload';
import { s3Location } from '../../storage/s3-uri';
import type { ArtifactStore } from '../ml/store';
import type { ArtifactRef, CommandInputSource } from './types';

/** Heartbeat progress at most this often during a transfer. */
const PROGRESS_EVERY = 4 * 1024 * 1024;

export interface TransferHooks {
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
}

/** Download one input to `path`; the file appears only once its size and checksum are verified. */
export async function downloadInput(
  store: ArtifactStore,
  name: string,
  source: CommandInputSource,
  path: string,
  hooks: TransferHooks = {},
): Promise<ArtifactRef> {
  const ref = typeof source === 'string' ? { uri: source } : source;
  const loc = s3Location(ref.uri);
  if (!loc)
    throw new InputError(`input '${name}': ${JSON.stringify(ref.uri)} is not an s3://bucket/key URI`, {
      type: FailureType.InvalidCommandInput,
    });
  const expectedSha = ref.sha256 ?? digestOfKey(loc.key);
  let body: Readable;
  try {
    const res = await store.s3.send(
      new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }),
      hooks.signal ? { abortSignal: hooks.signal } : {},
    );
    if (!(res.Body instanceof Readable)) throw new Error(`no body for ${ref.uri}`);
    body = res.Body;
  } catch (err) {
    // A missing object stays missing on every retry.
    if (isNotFound(err))
      throw new MissingArtifactError(`input '${name}': ${ref.uri} does not exist (deleted, or written under another bucket/prefix?)`);
    throw err;
  }
  const meter = new HashMeter({ ...(hooks.onProgress && { onProgress: hooks.onProgress }), progressEveryBytes: PROGRESS_EVERY });
  const partial = `${path}.partial`;
  try {
    await pipeline(body, meter, createWriteStream(partial, { mode: 0o600 }), hooks.signal ? { signal: hooks.signal } : {});
    const sha256 = meter.hash.digest('hex');
    if ((expectedSha !== undefined && sha256 !== expectedSha) || (ref.bytes !== undefined && ref.bytes !== meter.bytes)) {
      const want = [expectedSha && `sha256 ${expectedSha}`, ref.bytes !== undefined && `${ref.bytes} bytes`].filter(Boolean).join(', ');
      throw new ArtifactCorruptedError(
        `input '${name}': ${ref.uri} is corrupted: its content is ${meter.bytes} bytes with sha256 ${sha256}, expected ${want}; refusing to run on it`,
      );
    }
    await rename(partial, path);
    return { uri: ref.uri, bytes: meter.bytes, sha256 };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Stream a local file to `key` in the store's bucket, hashing it on the way. */
export async function uploadFile(store: ArtifactStore, key: string, path: string, o: UploadOptions = {}): Promise<ArtifactRef> {
  // Untransformed files are hashed first, so their sha256 is recorded as object metadata too (a retry rewrites the same key).
  if (!o.transform) return putFile(store, key, path, { progressEveryBytes: PROGRESS_EVERY, ...o, overwrite: true });
  const { bytes, sha256 } = await uploadHashed(store, key, createReadStream(path), { progressEveryBytes: PROGRESS_EVERY, ...o });
  return { uri: `s3://${store.bucket}/${key}`, bytes, sha256 };
}
