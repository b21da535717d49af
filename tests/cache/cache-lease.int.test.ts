/**
 * The step cache's lease on the real MinIO: releasing is atomic. A holder that stalls past its
 * lease's expiry may find, when it releases, that a waiter took the lease over meanwhile; the
 * release must then leave the new holder's lease alone (else a third task would claim the key
 * and compute it twice at once). The race is made deterministic by letting the other writer's
 * takeover reach MinIO just before the release's own request does.
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../storage/artifacts/types';
import {
  cacheLeaseKey,
  leaseIsFree,
  readLease,
  releaseLease,
  writeLease,
  type CacheLease,
  type CacheScope,
} from '../../storage/cache-index';
import { testStore } from '../artifacts/store-helper';

const store = testStore('cache-lease');
let n = 0;
const newScope = (): CacheScope => ({ dagId: 'd', taskId: 't', key: `${(++n).toString(16).padStart(2, '0')}${'a'.repeat(62)}` });

function lease(scope: CacheScope, owner: string, expiresInMs: number): CacheLease {
  const now = Date.now();
  return {
    format: 'tideflow.cache-lease',
    version: 1,
    key: scope.key,
    owner: { dagId: scope.dagId, taskId: scope.taskId, workflowId: owner, runId: owner, attempt: 1 },
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + expiresInMs).toISOString(),
  };
}

/**
 * The same store, except that the first write or delete of the lease key first runs `before`
 * (another worker's request, sent to MinIO for real): the interleaving a stalled releaser meets.
 */
function racing(scope: CacheScope, before: () => Promise<void>): ArtifactStore {
  const key = cacheLeaseKey(store, scope);
  let fired = false;
  const send = async (cmd: Parameters<S3Client['send']>[0]) => {
    const touchesLease = (cmd instanceof PutObjectCommand || cmd instanceof DeleteObjectCommand) && cmd.input.Key === key;
    if (touchesLease && !fired) {
      fired = true;
      await before();
    }
    return store.s3.send(cmd as never);
  };
  return { ...store, s3: { send } as unknown as S3Client };
}

describe('cache lease release', () => {
  it("leaves a lease another writer took over after expiry (it is not the releaser's any more)", async () => {
    const scope = newScope();
    const stalled = lease(scope, 'stalled', -1);
    const mine = await writeLease(store, scope, stalled);
    if (mine === 'conflict') throw new Error('fresh key already leased');
    let theirs: string | 'conflict' | undefined;
    const s = racing(scope, async () => {
      // A waiter saw the expired lease and takes it over with If-Match on what it read.
      theirs = await writeLease(store, scope, lease(scope, 'waiter', 60_000), mine);
    });
    expect(await releaseLease(s, scope, stalled, mine)).toBe('lost');
    expect(theirs).not.toBe('conflict');
    const held = await readLease(store, scope);
    expect(held?.value.owner.workflowId).toBe('waiter');
    expect(held?.etag).toBe(theirs);
    expect(held && leaseIsFree(held.value, Date.now())).toBe(false);
    expect(held?.value.releasedAt).toBeUndefined();
  });

  it('frees a lease still held: the next claimer may take it at once', async () => {
    const scope = newScope();
    const owner = lease(scope, 'owner', 60_000);
    const mine = await writeLease(store, scope, owner);
    if (mine === 'conflict') throw new Error('fresh key already leased');
    expect(await releaseLease(store, scope, owner, mine)).toBe('released');
    const held = await readLease(store, scope);
    // Left marked released (takeable before its expiry, and told apart from a holder that died).
    expect(held && leaseIsFree(held.value, Date.now())).toBe(true);
    expect(held?.value.releasedAt).toBeDefined();
    const next = await writeLease(store, scope, lease(scope, 'next', 60_000), held?.etag);
    expect(next).not.toBe('conflict');
  });

  it('a live lease of another holder is not free', async () => {
    const scope = newScope();
    expect(leaseIsFree(lease(scope, 'live', 60_000), Date.now())).toBe(false);
    expect(leaseIsFree(lease(scope, 'dead', -1), Date.now())).toBe(true);
  });
});
