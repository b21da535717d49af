/**
 * Where rollout documents live and how they are written:
 *   <prefix>registry/models/<name>/rollout.json                                 the state (If-Match writes)
 *   <prefix>registry/models/<name>/rollout-stats/<rolloutKey>/<step>/<server>.json  each server's counters
 * The state has a single writer (the model's rollout workflow, through its activities), but every
 * write is still a compare-and-set so a stale retry never overwrites a newer state.
 */
import { createHash } from 'node:crypto';
import { RolloutStateFormat, type RolloutState } from '../mlops/rollout-state';
import type { WindowCounts } from '../mlops/rollout-guards';
import { getDoc, listKeys, putDoc } from '../storage/documents';
import { modelDir } from './layout';
import type { ArtifactStore } from './types';

export const rolloutKey = (s: ArtifactStore, model: string): string => `${modelDir(s, model)}rollout.json`;
/** Rollout ids contain '/', so the stats folder uses a digest of it. */
const idDigest = (rolloutId: string): string => createHash('sha256').update(rolloutId).digest('hex').slice(0, 16);
export const statsDir = (s: ArtifactStore, model: string, rolloutId: string, step: number): string =>
  `${modelDir(s, model)}rollout-stats/${idDigest(rolloutId)}/${step}/`;

export interface StatsSnapshot {
  server: string;
  rolloutId: string;
  step: number;
  at: string;
  counts: WindowCounts;
}

export async function readRollout(s: ArtifactStore, model: string): Promise<{ state: RolloutState; etag: string } | undefined> {
  const key = rolloutKey(s, model);
  const doc = await getDoc<unknown>(s, key);
  return doc && { state: RolloutStateFormat.parse(doc.value, key), etag: doc.etag };
}

/**
 * Read-modify-write of the state: `change` gets the current document (undefined if none) and
 * returns the next one, or a string to refuse (returned as is). Retries on a concurrent write.
 */
export async function updateRollout(
  s: ArtifactStore,
  model: string,
  change: (current: RolloutState | undefined) => RolloutState | string,
): Promise<RolloutState | string> {
  const key = rolloutKey(s, model);
  for (;;) {
    const doc = await readRollout(s, model);
    const next = change(doc?.state);
    if (typeof next === 'string') return next;
    const checked = RolloutStateFormat.parse(next, key);
    const res = await putDoc(s, key, checked, doc ? { ifMatch: doc.etag } : { ifNoneMatch: true });
    if (res !== 'conflict') return checked;
  }
}

export async function writeStats(s: ArtifactStore, model: string, snap: StatsSnapshot): Promise<void> {
  await putDoc(s, `${statsDir(s, model, snap.rolloutId, snap.step)}${snap.server}.json`, snap, {});
}

export async function readStats(s: ArtifactStore, model: string, rolloutId: string, step: number): Promise<StatsSnapshot[]> {
  const keys = await listKeys(s, statsDir(s, model, rolloutId, step));
  const docs = await Promise.all(keys.map((k) => getDoc<StatsSnapshot>(s, k)));
  return docs.flatMap((d) => (d ? [d.value] : []));
}
