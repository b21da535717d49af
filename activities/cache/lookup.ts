/**
 * Reading the step cache: an entry is a hit only when it is younger than the task's maxAge (and,
 * for a refresh, written after the run asked for one) and every artifact it references is still
 * there with its recorded sha256. A deleted or corrupted artifact makes it a miss that
 * recomputes and replaces the entry, never a failure and never a wrong answer.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import type { CacheSpec } from '../../core/model';
import { TideflowError } from '../../core/errors';
import { openArtifact } from '../../storage/artifacts/download';
import type { ArtifactRef, ArtifactStore } from '../../storage/artifacts/types';
import { readCacheEntry, type CacheEntry, type CacheScope } from '../../storage/cache-index';
import type { TaskContext } from '../context';

export interface LookupOptions {
  spec: CacheSpec;
  /** Refresh: only entries written at or after this instant count. */
  notBefore?: number;
  /** The cache probe's budget: an entry whose artifacts total more bytes is not verified here ('budget'). */
  maxVerifyBytes?: number;
}

export type Lookup =
  { hit: CacheEntry } | { miss: 'absent' | 'expired' | 'refresh' | 'invalid' | 'artifacts' | 'budget'; detail?: string; etag?: string };

/** Why one artifact cannot be trusted (missing, corrupted), or undefined when its content matches. */
async function verifyArtifact(s: ArtifactStore, a: ArtifactRef, ctx: TaskContext): Promise<string | undefined> {
  try {
    // Read through the verifying stream: the whole content is hashed and compared.
    const stream = await openArtifact(s, a, {
      signal: ctx.signal,
      onProgress: () => ctx.heartbeat({ phase: 'cache: verifying', uri: a.uri }),
    });
    for await (const _chunk of stream) void _chunk;
    return undefined;
  } catch (err) {
    if (err instanceof TideflowError) return err.message;
    throw err;
  }
}

/** Every artifact of the entry, four at a time; the first problem found, if any. */
async function verifyArtifacts(s: ArtifactStore, entry: CacheEntry, ctx: TaskContext): Promise<string | undefined> {
  const queue = [...entry.artifacts];
  let problem: string | undefined;
  const worker = async (): Promise<void> => {
    for (let a = queue.shift(); a !== undefined && problem === undefined; a = queue.shift()) problem ??= await verifyArtifact(s, a, ctx);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return problem;
}

export async function lookup(s: ArtifactStore, scope: CacheScope, o: LookupOptions, ctx: TaskContext): Promise<Lookup> {
  const doc = await readCacheEntry(s, scope);
  if (!doc) return { miss: 'absent' };
  if ('invalid' in doc) return { miss: 'invalid', detail: doc.invalid };
  const entry = doc.value;
  const created = Date.parse(entry.createdAt);
  if (o.notBefore !== undefined && !(created >= o.notBefore)) return { miss: 'refresh', etag: doc.etag };
  if (o.spec.maxAge !== undefined && Date.now() - created > msToNumber(o.spec.maxAge)) {
    return { miss: 'expired', detail: `written ${entry.createdAt}, maxAge ${String(o.spec.maxAge)}`, etag: doc.etag };
  }
  const bytes = entry.artifacts.reduce((sum, a) => sum + a.bytes, 0);
  if (o.maxVerifyBytes !== undefined && bytes > o.maxVerifyBytes) {
    return { miss: 'budget', detail: `${bytes} bytes of artifacts to verify, budget ${o.maxVerifyBytes}`, etag: doc.etag };
  }
  const bad = await verifyArtifacts(s, entry, ctx);
  if (bad !== undefined) return { miss: 'artifacts', detail: bad, etag: doc.etag };
  return { hit: entry };
}
