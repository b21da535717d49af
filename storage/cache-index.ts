/**
 * The step-cache index in S3: one document per cache key, under the DAG and task that wrote it,
 *
 *   <prefix>cache/entries/<dag>/<task>/<key>.json   the recorded output and every artifact it references
 *   <prefix>cache/leases/<dag>/<task>/<key>.json    who is computing that key right now, until when
 *
 * Entries and leases are claimed with conditional writes (If-None-Match: * to create, If-Match to
 * replace what was read), so concurrent writers never overwrite each other unknowingly. The
 * format is declared once (tideflow.cache-entry); `tideflow cache ls|clear` reads the same index.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../core/artifact-format';
import { getParsedDoc, listKeys, putDoc, type Doc, type WriteCondition } from './documents';
import { validateKey } from './artifacts/keys';
import { artifactRefSchema, type ArtifactStore } from './artifacts/types';

const origin = z.object({
  dagId: z.string(),
  taskId: z.string(),
  mapIndex: z.number().optional(),
  workflowId: z.string(),
  runId: z.string(),
});

export const cacheEntryFormat = defineArtifact('tideflow.cache-entry', 1, {
  key: z.string().regex(/^[0-9a-f]{64}$/),
  activity: z.string(),
  cacheVersion: z.string(),
  tideflowVersion: z.string(),
  /** The run and task instance that computed it. */
  from: origin,
  createdAt: z.string(),
  /** Time the computation took, for `cache ls`. */
  durationMs: z.number(),
  /** What the task returned to the workflow: the output inline or an OutputRef to it. */
  output: z.unknown(),
  /** Every artifact the output references (the offloaded output itself included): all verified on a hit. */
  artifacts: z.array(artifactRefSchema),
});
export type CacheEntry = ArtifactOf<typeof cacheEntryFormat>;

export const cacheLeaseFormat = defineArtifact('tideflow.cache-lease', 1, {
  key: z.string(),
  owner: origin.extend({ attempt: z.number() }),
  acquiredAt: z.string(),
  /** After this instant a waiter may take the lease over (its owner is presumed dead). */
  expiresAt: z.string(),
  /** Set by `releaseLease`: the holder finished and gave the lease up (not an expiry). */
  releasedAt: z.string().optional(),
});
export type CacheLease = ArtifactOf<typeof cacheLeaseFormat>;

export interface CacheScope {
  dagId: string;
  taskId: string;
  key: string;
}

const root = (s: ArtifactStore, kind: 'entries' | 'leases'): string => `${s.prefix}cache/${kind}/`;
export const cacheEntryKey = (s: ArtifactStore, c: CacheScope): string =>
  validateKey(`${root(s, 'entries')}${c.dagId}/${c.taskId}/${c.key}.json`);
export const cacheLeaseKey = (s: ArtifactStore, c: CacheScope): string =>
  validateKey(`${root(s, 'leases')}${c.dagId}/${c.taskId}/${c.key}.json`);

/** The entry for a key, or undefined; an unreadable entry reads as absent (it is then replaced). */
export async function readCacheEntry(
  s: ArtifactStore,
  c: CacheScope,
): Promise<Doc<CacheEntry> | { invalid: string; etag?: string } | undefined> {
  try {
    return await getParsedDoc(s, cacheEntryKey(s, c), cacheEntryFormat);
  } catch (err) {
    return { invalid: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Create the entry (`'create'`), replace the one read (its etag), or overwrite an unreadable one
 * (`'overwrite'`, by the lease holder); 'conflict' when someone else wrote it in between.
 */
export async function writeCacheEntry(
  s: ArtifactStore,
  entry: CacheEntry,
  over: 'create' | 'overwrite' | { etag: string },
): Promise<string | 'conflict'> {
  const scope = { dagId: entry.from.dagId, taskId: entry.from.taskId, key: entry.key };
  const cond: WriteCondition = over === 'create' ? { ifNoneMatch: true } : over === 'overwrite' ? {} : { ifMatch: over.etag };
  return putDoc(s, cacheEntryKey(s, scope), entry, cond);
}

export async function readLease(s: ArtifactStore, c: CacheScope): Promise<Doc<CacheLease> | undefined> {
  return getParsedDoc(s, cacheLeaseKey(s, c), cacheLeaseFormat);
}

/** Claim (no etag) or take over / renew (the etag read) the lease; 'conflict' when it changed hands. */
export async function writeLease(s: ArtifactStore, c: CacheScope, lease: CacheLease, etag?: string): Promise<string | 'conflict'> {
  return putDoc(s, cacheLeaseKey(s, c), lease, etag === undefined ? { ifNoneMatch: true } : { ifMatch: etag });
}

/** Whether a waiter may take the lease over: released, or its holder stopped renewing it (presumed dead). */
export function leaseIsFree(lease: CacheLease, now: number): boolean {
  return Date.parse(lease.expiresAt) <= now;
}

/**
 * Release the lease the holder of `etag` holds, atomically: it is replaced, only if it is still
 * that one (If-Match), by the same lease expiring now and marked released (so the next claimer,
 * which takes it over at once, does not report it as a holder that died).
 * Reading it and then deleting it would not do: between the two, a waiter may take an expired
 * lease over, and the delete would drop the new holder's lease, letting a third task compute the
 * same key. Not a DELETE with If-Match either: MinIO ignores that condition (the pinned version's
 * DeleteObject handler checks none; a DELETE with a non-matching If-Match deletes the object),
 * while it checks If-Match on PUT under the object's lock, as the claims rely on. The released lease stays until the next
 * claim takes it over or `cache clear` removes it.
 * 'lost' when the lease had changed hands (nothing is touched then).
 */
export async function releaseLease(s: ArtifactStore, c: CacheScope, lease: CacheLease, etag: string): Promise<'released' | 'lost'> {
  const now = new Date().toISOString();
  const released: CacheLease = { ...lease, expiresAt: now, releasedAt: now };
  return (await putDoc(s, cacheLeaseKey(s, c), released, { ifMatch: etag })) === 'conflict' ? 'lost' : 'released';
}

export async function deleteCacheObject(s: ArtifactStore, key: string): Promise<void> {
  await s.s3.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: key }));
}

/** Entry keys, optionally of one DAG and task. */
export async function listCacheEntryKeys(s: ArtifactStore, dagId?: string, taskId?: string): Promise<string[]> {
  const base = root(s, 'entries');
  const prefix = dagId === undefined ? base : taskId === undefined ? `${base}${dagId}/` : `${base}${dagId}/${taskId}/`;
  validateKey(`${prefix}x`); // the DAG and task ids are key segments: no '..', no '/'
  const keys = await listKeys(s, prefix);
  // A task filter without a DAG: match the task segment of every DAG.
  return keys.filter(
    (k) => k.endsWith('.json') && (taskId === undefined || dagId !== undefined || k.slice(base.length).split('/')[1] === taskId),
  );
}

/** Lease keys under the same filters (cleared with the entries). */
export async function listLeaseKeys(s: ArtifactStore, dagId?: string, taskId?: string): Promise<string[]> {
  const base = root(s, 'leases');
  const prefix = dagId === undefined ? base : taskId === undefined ? `${base}${dagId}/` : `${base}${dagId}/${taskId}/`;
  validateKey(`${prefix}x`);
  const keys = await listKeys(s, prefix);
  return keys.filter((k) => taskId === undefined || dagId !== undefined || k.slice(base.length).split('/')[1] === taskId);
}
