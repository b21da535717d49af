/** Waiting for the local MinIO to serve, and creating the bucket Tideflow writes to. */
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describeExit, sleep, type ManagedProcess } from './process';
import { READY_TIMEOUT_MS } from './temporal-ready';

/** MinIO's region, which the stack's S3 clients name. */
export const REGION = 'us-east-1';

export interface MinioCredentials {
  minioUser: string;
  minioPassword: string;
  bucket: string;
}

export async function waitForMinio(proc: ManagedProcess, endpoint: string, opts: MinioCredentials): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'no attempt finished';
  const s3 = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: opts.minioUser, secretAccessKey: opts.minioPassword },
    // MinIO handles the SDK's default CRC32 trailers inconsistently; only checksum when S3 requires it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    while (Date.now() < deadline) {
      if (!proc.running()) {
        const info = await proc.exited;
        throw new Error(`MinIO ${describeExit(info)} during startup. Last lines of ${proc.logFile}:\n${proc.tail(40)}`);
      }
      try {
        const res = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(2_000) });
        if (!res.ok) throw new Error(`health/live answered HTTP ${res.status}`);
        await ensureBucket(s3, opts.bucket);
        return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      await sleep(300);
    }
  } finally {
    s3.destroy();
  }
  await proc.stop();
  throw new Error(
    `MinIO not ready after ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}). Last lines of ${proc.logFile}:\n${proc.tail(40)}`,
  );
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (err) {
    if (httpStatus(err) !== 404) throw err;
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!(err instanceof Error && err.name === 'BucketAlreadyOwnedByYou')) throw err;
  }
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta: unknown = err.$metadata;
  if (typeof meta !== 'object' || meta === null || !('httpStatusCode' in meta)) return undefined;
  return typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}
