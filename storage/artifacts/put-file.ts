/**
 * Upload a local file under a chosen key, its sha256 computed first (a local read) so it can be
 * stored as object metadata, then checked against what was actually uploaded: a file that
 * changed during the upload is an error, never a silently mismatched object. Used by
 * `tideflow artifacts put` and the command step's outputs, so every reader can verify them.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { InputError } from '../../core/errors';
import { HashMeter } from './meter';
import { objectExists } from './objects';
import type { ArtifactRef, ArtifactStore } from './types';
import { uploadHashed, type PutOptions } from './upload';

export interface PutFileOptions extends PutOptions {
  /** Replace an existing object (default: refuse, since references to it would stop verifying). */
  overwrite?: boolean;
}

/** The key already holds an object and overwriting was not asked for. */
export class ObjectExistsError extends InputError {
  override name = 'ObjectExistsError';
}

async function sha256OfFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const meter = new HashMeter();
  meter.resume(); // only the digest is wanted: let the bytes flow through and away
  await pipeline(createReadStream(path), meter, signal ? { signal } : {});
  return { sha256: meter.hash.digest('hex'), bytes: meter.bytes };
}

export async function putFile(store: ArtifactStore, key: string, path: string, opts: PutFileOptions = {}): Promise<ArtifactRef> {
  const uri = `s3://${store.bucket}/${key}`;
  if ((await stat(path)).isDirectory()) throw new InputError(`${path} is a directory, not a file`);
  const before = await sha256OfFile(path, opts.signal);
  // Checked before the upload, not atomically: two concurrent puts of one key can both pass.
  if (!opts.overwrite && (await objectExists(store, key)))
    throw new ObjectExistsError(
      `${uri} already exists; references to it record its sha256, so it is not replaced (use --force to replace it)`,
    );
  const uploaded = await uploadHashed(store, key, createReadStream(path), {
    ...opts,
    metadata: { ...opts.metadata, sha256: before.sha256 },
  });
  if (uploaded.sha256 !== before.sha256 || uploaded.bytes !== before.bytes) {
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key })).catch(() => undefined);
    throw new InputError(`${path} changed while it was uploaded (sha256 ${before.sha256}, then ${uploaded.sha256}); nothing was stored`);
  }
  return { uri, bytes: uploaded.bytes, sha256: uploaded.sha256 };
}
