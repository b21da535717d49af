/**
 * JSON documents with S3 conditional writes: create-if-absent (If-None-Match: *) claims a key
 * exactly once among concurrent writers; replace-if-unchanged (If-Match: <etag>) makes a
 * read-modify-write atomic. Losing a race is a normal outcome ('conflict'), not an error.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { isNotFound, isPreconditionFailed } from './artifacts/s3-errors';
import type { ArtifactStore } from './artifacts/types';

export interface Doc<T> {
  value: T;
  etag: string;
}

export type WriteCondition = { ifNoneMatch: true } | { ifMatch: string } | Record<string, never>;

export async function getDoc<T>(s: ArtifactStore, key: string): Promise<Doc<T> | undefined> {
  try {
    const res = await s.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }));
    const text = await res.Body?.transformToString('utf8');
    if (text === undefined || res.ETag === undefined) throw new Error(`empty response for ${key}`);
    return { value: JSON.parse(text) as T, etag: res.ETag };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * A document checked against its declared format (core/artifact-format.ts): undefined when
 * absent, an ArtifactError naming the object when it is not a valid document of that format.
 */
export async function getParsedDoc<T>(
  s: ArtifactStore,
  key: string,
  format: { parse(doc: unknown, where: string): T },
): Promise<Doc<T> | undefined> {
  const doc = await getDoc<unknown>(s, key);
  return doc && { value: format.parse(doc.value, `s3://${s.bucket}/${key}`), etag: doc.etag };
}

/** Write `value`; resolves to the new ETag, or 'conflict' when the condition did not hold. */
export async function putDoc(s: ArtifactStore, key: string, value: unknown, cond: WriteCondition): Promise<string | 'conflict'> {
  try {
    const res = await s.s3.send(
      new PutObjectCommand({
        Bucket: s.bucket,
        Key: key,
        Body: JSON.stringify(value, null, 1),
        ContentType: 'application/json',
        ...('ifNoneMatch' in cond && { IfNoneMatch: '*' }),
        ...('ifMatch' in cond && { IfMatch: cond.ifMatch }),
      }),
    );
    return res.ETag ?? '';
  } catch (err) {
    if (isPreconditionFailed(err)) return 'conflict';
    throw err;
  }
}

/** Every key under `prefix` (all pages), in S3's lexicographic order. */
export async function listKeys(s: ArtifactStore, prefix: string, startAfter?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await s.s3.send(
      new ListObjectsV2Command({
        Bucket: s.bucket,
        Prefix: prefix,
        ContinuationToken: token,
        ...(token === undefined && startAfter !== undefined && { StartAfter: startAfter }),
      }),
    );
    for (const o of res.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** The immediate "folders" under `prefix`, without the prefix and the trailing '/'. */
export async function listFolders(s: ArtifactStore, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const res = await s.s3.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    for (const p of res.CommonPrefixes ?? []) if (p.Prefix !== undefined) names.push(p.Prefix.slice(prefix.length, -1));
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token !== undefined);
  return names;
}
