/**
 * How the ML activities use the worker's artifact store (storage/artifacts): run-scoped keys
 * and JSON artifacts read back verified. The store itself arrives in each task's context
 * (ctx.store, from the worker); activities are built around a StoreProvider that reads it.
 */
import { ArtifactError } from '../../core/errors';
import { readArtifactBytes } from '../../storage/artifacts/download';
import { putJson, putJsonBytes } from '../../storage/artifacts/objects';
import type { ArtifactRef, ArtifactStore } from '../../storage/artifacts/types';

export type { ArtifactStore } from '../../storage/artifacts/types';
export { storeOf, type StoreProvider } from '../context';

/** Identity of the run an artifact belongs to. */
export interface RunIds {
  dagId: string;
  workflowId: string;
}

/** `${prefix}runs/<dagId>/<workflowId>/<path>`: every artifact of one DAG run, side by side. */
export function runArtifactKey(store: ArtifactStore, run: RunIds, path: string): string {
  return `${store.prefix}runs/${run.dagId}/${run.workflowId}/${path}`;
}

/** Serialize `value` as JSON under `key`; a retry rewrites the same key, so writing is idempotent. */
export async function putArtifact(store: ArtifactStore, key: string, value: unknown): Promise<ArtifactRef> {
  return putJson(store, key, value);
}

/** A JSON artifact serialized elsewhere (a worker thread), stored exactly as putArtifact stores one. */
export async function putArtifactBytes(store: ArtifactStore, key: string, json: Uint8Array): Promise<ArtifactRef> {
  return putJsonBytes(store, key, json);
}

/**
 * An artifact's bytes, failing if its size or checksum changed since it was written. A deleted
 * or replaced artifact stays so on every retry: a non-retryable ArtifactError ('MissingArtifact' /
 * 'InvalidArtifact') naming its uri, as readDataset does for datasets.
 */
export async function getArtifactBytes(store: ArtifactStore, ref: ArtifactRef): Promise<Buffer> {
  try {
    return await readArtifactBytes(store, ref);
  } catch (err) {
    if (err instanceof ArtifactError) err.message = `artifact ${err.message}`;
    throw err;
  }
}

/** A JSON artifact read back (verified as getArtifactBytes verifies it) and parsed. */
export async function getArtifact(store: ArtifactStore, ref: ArtifactRef): Promise<unknown> {
  return JSON.parse((await getArtifactBytes(store, ref)).toString('utf8'));
}
