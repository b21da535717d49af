/**
 * A cached task call (used by activities/task-runner.ts around the activity): compute the key,
 * return a verified hit, or compute once under a lease and record the entry.
 *
 * Identical keys at the same time compute once: the first caller claims the key's lease with a
 * conditional create (If-None-Match) and renews it while it works; the others poll for the entry,
 * heartbeating, and return it as a hit when it appears. A lease not renewed past its expiry (its
 * owner died) is taken over with If-Match by one waiter, which then computes. The owner releases
 * its lease with If-Match too, so it never drops a lease a waiter took over meanwhile. Everything happens
 * in the activity, so workflow code and its history are unchanged by caching.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheSpec } from '../../core/model';
import type { CachedFrom } from '../../core/scheduler';
import { codeVersion, recordTask } from '../../storage/artifacts/manifest';
import type { ArtifactRef } from '../../storage/artifacts/types';
import {
  leaseIsFree,
  readLease,
  releaseLease,
  writeCacheEntry,
  writeLease,
  type CacheEntry,
  type CacheLease,
  type CacheScope,
} from '../../storage/cache-index';
import type { TaskContext } from '../context';
import { findArtifactRefs, manifestAttemptOf, manifestRunOf } from '../record-run';
import { cacheKey } from './key';
import { lookup } from './lookup';
import { cachePolicy } from './policy';

/** Lease lifetime without renewal; the owner renews at a third of it. TIDEFLOW_CACHE_LEASE_MS overrides (tests). */
export function leaseMs(): number {
  const v = Number(process.env.TIDEFLOW_CACHE_LEASE_MS);
  return Number.isFinite(v) && v > 0 ? v : 60_000;
}

export interface CachedCall {
  activity: string;
  spec: CacheSpec;
  /** The run asked to recompute (`tideflow trigger --no-cache`, input `cache: 'refresh'`). */
  refresh: boolean;
  input: unknown;
  ctx: TaskContext;
  /** Run the activity: `full` is its output, `result` what goes to the workflow (inline or offloaded). */
  compute: () => Promise<{ full: unknown; result: unknown }>;
}

export interface CachedResult {
  output: unknown;
  cached?: CachedFrom;
}

const uniqueRefs = (...lists: ArtifactRef[][]): ArtifactRef[] => [
  ...new Map(lists.flat().map((a) => [`${a.uri}#${a.sha256}`, a])).values(),
];

/** What a hit needs of the call: the cache probe (./probe.ts) accepts hits the same way. */
type HitCall = Pick<CachedCall, 'activity' | 'input' | 'ctx'>;

async function recordHit(call: HitCall, entry: CacheEntry, started: number): Promise<void> {
  const { ctx } = call;
  const ended = Date.now();
  await recordTask(ctx.store, manifestRunOf(ctx), {
    ...manifestAttemptOf(ctx, started, ended),
    status: 'success',
    read: findArtifactRefs(call.input),
    wrote: entry.artifacts,
    cached: { via: 'cache', workflowId: entry.from.workflowId, runId: entry.from.runId },
  }).catch((err: unknown) => ctx.log.warn('run manifest not recorded for a cache hit', { error: String(err) }));
}

/** Accept a verified entry: what the activity must still do on a hit, the run manifest's record, the result. */
export async function hit(call: HitCall, entry: CacheEntry, started: number): Promise<CachedResult> {
  await Promise.all([cachePolicy(call.activity).onHit?.(call.input as never, entry.output, call.ctx), recordHit(call, entry, started)]);
  call.ctx.log.info('step cache hit', { key: entry.key, from: entry.from.workflowId });
  return { output: entry.output, cached: { via: 'cache', workflowId: entry.from.workflowId, runId: entry.from.runId } };
}

function newLease(call: CachedCall, scope: CacheScope): CacheLease {
  const { ctx } = call;
  const now = Date.now();
  return {
    format: 'tideflow.cache-lease',
    version: 1,
    key: scope.key,
    owner: {
      dagId: ctx.dagId,
      taskId: ctx.taskId,
      ...(ctx.mapIndex !== undefined && { mapIndex: ctx.mapIndex }),
      workflowId: ctx.workflowId,
      runId: ctx.runId,
      attempt: ctx.attempt,
    },
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + leaseMs()).toISOString(),
  };
}

/** Claim the key's lease, or wait for the entry its holder writes; resolves to the etag held, or a hit. */
async function claimOrWait(
  call: CachedCall,
  scope: CacheScope,
  notBefore: number | undefined,
): Promise<{ etag: string } | { entry: CacheEntry }> {
  const { ctx } = call;
  const s = ctx.store;
  const poll = Math.max(50, Math.min(1000, leaseMs() / 4));
  for (;;) {
    const claimed = await writeLease(s, scope, newLease(call, scope));
    if (claimed !== 'conflict') return { etag: claimed };
    const held = await readLease(s, scope).catch(() => undefined);
    if (held && leaseIsFree(held.value, Date.now())) {
      // Released, or its owner stopped renewing (died): one waiter takes over, the others keep waiting.
      const taken = await writeLease(s, scope, newLease(call, scope), held.etag);
      if (taken !== 'conflict') {
        // A release is the normal end of a computation; only an expiry means a holder died or stalled.
        if (held.value.releasedAt === undefined)
          ctx.log.warn('step cache: took over an expired lease (its holder stopped renewing it)', {
            key: scope.key,
            from: held.value.owner.workflowId,
            expiredAt: held.value.expiresAt,
          });
        return { etag: taken };
      }
    }
    if (held) {
      ctx.heartbeat({ phase: 'cache: waiting for an identical task', owner: held.value.owner.workflowId, task: held.value.owner.taskId });
      await sleep(poll, undefined, { signal: ctx.signal });
    }
    const found = await lookup(s, scope, { spec: call.spec, ...(notBefore !== undefined && { notBefore }) }, ctx);
    if ('hit' in found) return { entry: found.hit };
  }
}

/** Renew the lease while the work runs; `stop` ends the renewals and resolves to the etag held then. */
function renewWhile(call: CachedCall, scope: CacheScope, etag: string): { stop: () => Promise<string> } {
  let current = etag;
  let inflight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inflight = writeLease(call.ctx.store, scope, newLease(call, scope), current)
      .then((e) => {
        if (e === 'conflict') call.ctx.log.warn('step cache: lease lost while computing (taken over after expiry)', { key: scope.key });
        else current = e;
      })
      .catch(() => undefined);
  }, leaseMs() / 3);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      // A renewal in flight changes the etag: release with the one it leaves.
      await inflight;
      return current;
    },
  };
}

/** The call's cache key (its activity's policy: the context it reads, the fingerprint of what it depends on). */
export async function keyOf(call: Pick<CachedCall, 'activity' | 'spec' | 'input' | 'ctx'>): Promise<string> {
  const policy = cachePolicy(call.activity);
  const fingerprint = policy.fingerprint ? await policy.fingerprint(call.input as never, call.ctx) : null;
  return cacheKey(
    { activity: call.activity, cacheVersion: call.spec.version, input: call.input, fingerprint, context: policy.context },
    call.ctx,
  );
}

export async function runCached(call: CachedCall): Promise<CachedResult> {
  const { ctx } = call;
  const started = Date.now();
  let key: string;
  try {
    key = await keyOf(call);
  } catch (err) {
    // What the key depends on cannot be read: run uncached rather than risk a wrong answer.
    ctx.log.warn('step cache bypassed: cannot compute the key', { error: err instanceof Error ? err.message : String(err) });
    return { output: (await call.compute()).result };
  }
  const scope: CacheScope = { dagId: ctx.dagId, taskId: ctx.taskId, key };
  const notBefore = call.refresh ? started : undefined;
  const opts = { spec: call.spec, ...(notBefore !== undefined && { notBefore }) };
  let found = await lookup(ctx.store, scope, opts, ctx);
  if ('hit' in found) return hit(call, found.hit, started);
  const claim = await claimOrWait(call, scope, notBefore);
  if ('entry' in claim) return hit(call, claim.entry, started);
  const lease = renewWhile(call, scope, claim.etag);
  try {
    // Someone may have written the entry between our lookup and our claim.
    found = await lookup(ctx.store, scope, opts, ctx);
    if ('hit' in found) return await hit(call, found.hit, started);
    if (found.miss !== 'absent') ctx.log.info('step cache miss', { key, reason: found.miss, detail: found.detail });
    const computeStarted = Date.now();
    const { full, result } = await call.compute();
    const entry: CacheEntry = {
      format: 'tideflow.cache-entry',
      version: 1,
      key,
      activity: call.activity,
      cacheVersion: call.spec.version,
      tideflowVersion: codeVersion().packageVersion,
      from: {
        dagId: ctx.dagId,
        taskId: ctx.taskId,
        ...(ctx.mapIndex !== undefined && { mapIndex: ctx.mapIndex }),
        workflowId: ctx.workflowId,
        runId: ctx.runId,
      },
      createdAt: new Date().toISOString(),
      durationMs: Date.now() - computeStarted,
      output: result,
      artifacts: uniqueRefs(findArtifactRefs(full), findArtifactRefs(result)),
    };
    const over = found.miss === 'absent' ? 'create' : found.etag !== undefined ? { etag: found.etag } : 'overwrite';
    const written = await writeCacheEntry(ctx.store, entry, over).catch((err: unknown) => {
      ctx.log.warn('step cache entry not written; the task succeeded all the same', { error: String(err) });
      return 'failed';
    });
    if (written === 'conflict') ctx.log.warn('step cache entry changed while computing; kept the other', { key });
    return { output: result };
  } finally {
    // Only a lease still ours is released (a waiter may have taken it over after it expired).
    await releaseLease(ctx.store, scope, newLease(call, scope), await lease.stop()).catch(() => undefined);
  }
}
