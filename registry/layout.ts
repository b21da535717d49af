/**
 * Where each registry document lives:
 *   <prefix>registry/models/<name>/model.json
 *   <prefix>registry/models/<name>/versions/<0000000001>.json   (claimed with If-None-Match)
 *   <prefix>registry/models/<name>/aliases/<alias>.json         (moved with If-Match)
 *   <prefix>registry/models/<name>/idempotency/<sha256(key)>.json
 *   <prefix>registry/lineage/datasets/<sha256>/<name>/<version> (reverse index for lineage)
 * Version numbers are zero-padded so S3's lexicographic listing is numeric order.
 */
import { createHash } from 'node:crypto';
import type { ArtifactStore } from './types';

const PAD = 10;

export const modelsRoot = (s: ArtifactStore): string => `${s.prefix}registry/models/`;
export const modelDir = (s: ArtifactStore, name: string): string => `${modelsRoot(s)}${name}/`;
export const modelKey = (s: ArtifactStore, name: string): string => `${modelDir(s, name)}model.json`;
export const versionsDir = (s: ArtifactStore, name: string): string => `${modelDir(s, name)}versions/`;
export const versionKey = (s: ArtifactStore, name: string, v: number): string =>
  `${versionsDir(s, name)}${String(v).padStart(PAD, '0')}.json`;
export const aliasesDir = (s: ArtifactStore, name: string): string => `${modelDir(s, name)}aliases/`;
export const aliasKey = (s: ArtifactStore, name: string, alias: string): string => `${aliasesDir(s, name)}${alias}.json`;
export const idempotencyKeyPath = (s: ArtifactStore, name: string, key: string): string =>
  `${modelDir(s, name)}idempotency/${createHash('sha256').update(key).digest('hex')}.json`;
export const datasetUsesDir = (s: ArtifactStore, sha256: string): string => `${s.prefix}registry/lineage/datasets/${sha256}/`;
export const datasetUseKey = (s: ArtifactStore, sha256: string, name: string, v: number): string =>
  `${datasetUsesDir(s, sha256)}${name}/${String(v).padStart(PAD, '0')}`;

/** The version number in a version key, or undefined. */
export function versionOfKey(key: string): number | undefined {
  const m = /\/versions\/(\d+)\.json$/.exec(key);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
