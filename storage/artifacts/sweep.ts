/**
 * Remove staging objects left by uploads that died between upload and copy (worker killed,
 * S3 down for the cleanup). They are never read, only space; anything younger than
 * `olderThanMs` may belong to an upload still running, so it is left alone.
 */
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { validatePrefix } from './keys';
import type { ArtifactStore } from './types';

export async function sweepStaging(store: ArtifactStore, olderThanMs = 24 * 3600_000, now = Date.now()): Promise<string[]> {
  const prefix = `${validatePrefix(store.prefix)}artifacts/staging/`;
  const removed: string[] = [];
  let token: string | undefined;
  do {
    const res = await store.s3.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of res.Contents ?? []) {
      if (o.Key === undefined || o.LastModified === undefined || now - o.LastModified.getTime() < olderThanMs) continue;
      await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: o.Key }));
      removed.push(o.Key);
    }
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token !== undefined);
  return removed;
}
