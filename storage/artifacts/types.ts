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
