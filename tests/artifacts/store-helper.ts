/** A content store on the shared MinIO of the global setup, under a fresh prefix per test file. */
import { inject } from 'vitest';
import { loadConfig } from '../../config/env';
import { createS3Client } from '../../storage/s3-client';
import type { ArtifactStore } from '../../storage/artifacts/types';

export function testStore(name: string): ArtifactStore {
  const config = loadConfig({ ...process.env, ...inject('stack').env });
  return { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: `${name}-${Math.random().toString(36).slice(2, 8)}/` };
}
