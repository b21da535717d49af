/** The one place an S3 client (and the store around it) is made: MinIO locally (path-style), AWS S3 in production. */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config/env';
import type { ArtifactStore } from './artifacts/types';

// The SDK warns on every start that *future* versions will need Node 22; ours is pinned and
// supports Node 20, so the warning is noise in every worker and CLI invocation.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export function createS3Client(cfg: S3Config): S3Client {
  return new S3Client({
    region: cfg.region,
    ...(cfg.endpoint !== undefined && { endpoint: cfg.endpoint, forcePathStyle: true }),
    ...(cfg.credentials !== undefined && { credentials: cfg.credentials }),
    // Checksums only where S3 requires them: S3-compatible servers differ in what they accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 5,
  });
}

/** The process's store: its one S3 client with the configured bucket and prefix. */
export function createArtifactStore(cfg: S3Config, s3: S3Client = createS3Client(cfg)): ArtifactStore {
  return { s3, bucket: cfg.bucket, prefix: cfg.prefix };
}
