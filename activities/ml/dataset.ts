/**
 * Dataset artifacts: a Frame stored as one Arrow IPC file in S3, referenced by uri + size +
 * sha256 + row count + schema. Readers verify the checksum and the row count, so a replaced or
 * truncated object fails the task (non-retryable, naming the object) instead of training on it.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { parseS3Uri, sha256Hex } from '../../storage/json-objects';
import { frameFromArrow, frameToArrow } from '../../ml/io/arrow';
import { schemaOf, type ColumnSchema, type Frame } from '../../ml/frame/frame';
import { datasetCache } from './dataset-cache';
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
  const body = frameToArrow(frame);
  const sha256 = sha256Hex(body);
  await store.s3.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: body,
      ContentType: DATASET_CONTENT_TYPE,
      Metadata: { sha256, rows: String(frame.rows) },
    }),
  );
  const schema = schemaOf(frame);
  return {
    uri: `s3://${store.bucket}/${key}`,
    bytes: body.length,
    sha256,
    format: 'arrow',
    rows: frame.rows,
    columns: schema.map((c) => c.name),
    schema,
  };
}

const invalid = (message: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, 'InvalidArtifact');

/** The dataset's Frame, read once per worker process (./dataset-cache.ts); shared and read-only. */
export async function readDataset(store: ArtifactStore, ref: DatasetRef): Promise<Frame> {
  return datasetCache().read(store, ref, () => readDatasetUncached(store, ref));
}

export async function readDatasetUncached(store: ArtifactStore, ref: DatasetRef): Promise<Frame> {
  const { bucket, key } = parseS3Uri(ref.uri);
  let bytes: Uint8Array;
  try {
    const res = await store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!res.Body) throw new Error(`empty body for ${ref.uri}`);
    bytes = await res.Body.transformToByteArray();
  } catch (err) {
    if (err instanceof NoSuchKey)
      throw ApplicationFailure.nonRetryable(
        `dataset ${ref.uri} does not exist (deleted, or written under another bucket/prefix?)`,
        'MissingArtifact',
      );
    throw err;
  }
  const sha256 = sha256Hex(bytes);
  if (bytes.length !== ref.bytes || sha256 !== ref.sha256) {
    throw invalid(
      `dataset ${ref.uri} is corrupted: expected ${ref.bytes} bytes with sha256 ${ref.sha256}, got ${bytes.length} bytes with sha256 ${sha256}`,
    );
  }
  let frame: Frame;
  try {
    frame = frameFromArrow(bytes);
  } catch (err) {
    throw invalid(`dataset ${ref.uri} is not a readable Arrow file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (frame.rows !== ref.rows) throw invalid(`dataset ${ref.uri} has ${frame.rows} rows, its reference says ${ref.rows}`);
  return frame;
}
