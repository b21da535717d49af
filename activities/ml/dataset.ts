/**
 * Dataset artifacts: a Frame stored as one Arrow IPC file in S3, referenced by uri + size +
 * sha256 + row count + schema. Bytes go through the verified store (storage/artifacts), so a
 * replaced or truncated object fails the task (non-retryable, naming the object) instead of
 * training on it; the row count is checked once decoded.
 */
import { ArtifactError } from '../../core/errors';
import { readArtifactBytes } from '../../storage/artifacts/download';
import { putObject } from '../../storage/artifacts/objects';
import { frameToArrow } from '../../ml/io/arrow';
import { schemaOf, type ColumnSchema, type Frame } from '../../ml/frame/frame';
import { datasetCache } from './dataset-cache';
import { receiveReadOnly } from './offload/read-only-frame';
import { runInThread } from './offload/runner';
import { transferableBytes } from './offload/transfer';
import type { ArtifactStore } from './store';
import type { ArtifactRef } from './types';

export const DATASET_CONTENT_TYPE = 'application/vnd.apache.arrow.file';

/** A dataset artifact: Arrow IPC (file format), one Frame. */
export interface DatasetRef extends ArtifactRef {
  format: 'arrow';
  rows: number;
  columns: string[];
  schema: ColumnSchema[];
}

export async function writeDataset(store: ArtifactStore, key: string, frame: Frame): Promise<DatasetRef> {
  return writeDatasetBytes(store, key, frameToArrow(frame), frame.rows, schemaOf(frame));
}

/** A dataset already encoded as Arrow IPC (e.g. in a worker thread), with its row count and schema. */
export async function writeDatasetBytes(
  store: ArtifactStore,
  key: string,
  bytes: Uint8Array,
  rows: number,
  schema: ColumnSchema[],
): Promise<DatasetRef> {
  const ref = await putObject(store, key, bytes, { contentType: DATASET_CONTENT_TYPE, metadata: { rows: String(rows) } });
  return { ...ref, format: 'arrow', rows, columns: schema.map((c) => c.name), schema };
}

/** The dataset's Frame, read once per worker process (./dataset-cache.ts); shared and read-only. */
export async function readDataset(store: ArtifactStore, ref: DatasetRef): Promise<Frame> {
  return datasetCache().read(store, ref, () => readDatasetUncached(store, ref));
}

export async function readDatasetUncached(store: ArtifactStore, ref: DatasetRef): Promise<Frame> {
  let bytes: Uint8Array;
  try {
    bytes = await readArtifactBytes(store, ref);
  } catch (err) {
    if (err instanceof ArtifactError) err.message = `dataset ${err.message}`;
    throw err;
  }
  // Decoding is O(rows) CPU: for a large dataset it runs in a thread (offload/jobs/dataset.ts).
  const sent = await runInThread(
    'decodeDataset',
    { bytes, uri: ref.uri, rows: ref.rows },
    { rows: ref.rows, transfer: transferableBytes([bytes]) },
  );
  return receiveReadOnly(sent);
}
