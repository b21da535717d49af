/** Shapes shared by the content-addressed artifact store. */
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';

/**
 * Where everything Tideflow persists lives (artifacts, task outputs, run manifests, registry
 * documents): one client, one bucket, one key prefix ('' or ending in '/'). One per process,
 * made by createArtifactStore (../s3-client.ts) and handed to activities in their TaskContext.
 */
export interface ArtifactStore {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

/**
 * An artifact in S3 as every Tideflow reference has it (ML steps, the command step, the model
 * registry, run manifests): readers verify `bytes` and `sha256` before trusting the object. The
 * one definition; activities/ml/types, activities/command/types and registry/types re-export it.
 */
export const artifactRefSchema = z.object({
  /** s3://bucket/key */
  uri: z.string(),
  bytes: z.number(),
  sha256: z.string(),
});
export type ArtifactRef = z.infer<typeof artifactRefSchema>;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whether a value found inside a task's input or output is an artifact reference: recognised by
 * shape (an s3:// URI, a sha256, a size), which every Tideflow reference has, so activities need
 * not declare the references they pass around.
 */
export function isArtifactRef(o: Record<string, unknown>): o is Record<string, unknown> & ArtifactRef {
  return (
    typeof o.uri === 'string' &&
    o.uri.startsWith('s3://') &&
    typeof o.sha256 === 'string' &&
    SHA256_HEX.test(o.sha256) &&
    typeof o.bytes === 'number'
  );
}

/**
 * A stored artifact in the content-addressed store: an ArtifactRef whose `key` is derived from
 * `sha256`, so identical content always has the same reference.
 */
export interface ContentRef extends ArtifactRef {
  key: string;
}

export interface PutResult extends ContentRef {
  /** True when the content was already stored and nothing new was written. */
  deduplicated: boolean;
}

/** Hooks for long transfers, so a Temporal activity can heartbeat and be cancelled. */
export interface TransferOptions {
  /** Called with the bytes moved so far, at most every `progressEveryBytes`. Pass ctx.heartbeat. */
  onProgress?: (bytesSoFar: number) => void;
  /** Default 8 MiB. */
  progressEveryBytes?: number;
  signal?: AbortSignal;
}
