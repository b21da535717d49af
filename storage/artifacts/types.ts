/** Shapes shared by the content-addressed artifact store. */
import type { S3Client } from '@aws-sdk/client-s3';

/** Where artifacts live: one client, one bucket, one key prefix ('' or ending in '/'). */
export interface ContentStore {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

/**
 * A stored artifact. Compatible with the ML activities' ArtifactRef (uri, bytes, sha256);
 * `key` is derived from `sha256`, so identical content always has the same reference.
 */
export interface ContentRef {
  uri: string;
  key: string;
  bytes: number;
  sha256: string;
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
