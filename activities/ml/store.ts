/**
 * Where the ML activities keep their artifacts: one S3 client, bucket and key prefix per
 * worker process.
 *
 * The activities are built by `createMlActivities(provider)` (./index.ts), so a worker or a
 * test can hand them its own client. The registry in activities/index.ts uses
 * `storeFromEnv`, a lazy per-process singleton built from the same validated config the
 * worker uses (loadConfig + createS3Client): the worker entry point does not pass its S3
 * client to activities yet, and this keeps that wiring change out of this module's scope.
 */
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config/env';
import type { ContentStore } from '../../storage/artifacts/types';
import { getJsonByRef, MissingObjectError, ObjectIntegrityError, putJsonText } from '../../storage/json-objects';
import { createS3Client } from '../../storage/s3-client';
import type { ArtifactRef } from './types';

/** One S3 client, bucket and key prefix ('' or ending in '/'): the content store's shape, as the registry's. */
export type ArtifactStore = ContentStore;

/** Called on each use, so the store can be made lazily (and never, in a worker that runs no ML task). */
export type StoreProvider = () => ArtifactStore;

let fromEnv: ArtifactStore | undefined;

/** The process-wide store from the environment, made on first use. */
export const storeFromEnv: StoreProvider = () => {
  if (!fromEnv) {
    const config = loadConfig();
    fromEnv = { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix };
  }
  return fromEnv;
};

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
  const ref = await putJsonText(store.s3, store.bucket, key, JSON.stringify(value));
  return { uri: ref.uri, bytes: ref.bytes, sha256: ref.sha256 };
}

/**
 * Read an artifact back, failing if its size or checksum changed since it was written. A deleted
 * or replaced artifact stays so on every retry: non-retryable 'MissingArtifact' / 'InvalidArtifact'
 * naming its uri, as readDataset does for datasets (a retry would only delay the failure).
 */
export async function getArtifact(store: ArtifactStore, ref: ArtifactRef): Promise<unknown> {
  try {
    return await getJsonByRef(store.s3, { $tideflowRef: 1, uri: ref.uri, bytes: ref.bytes, sha256: ref.sha256 });
  } catch (err) {
    if (err instanceof MissingObjectError) throw ApplicationFailure.nonRetryable(`artifact ${err.message}`, 'MissingArtifact');
    if (err instanceof ObjectIntegrityError) throw ApplicationFailure.nonRetryable(`artifact ${err.message}`, 'InvalidArtifact');
    throw err;
  }
}
