/** Recognise S3 outcomes by HTTP status: S3-compatible servers disagree on error names. */
import { S3ServiceException } from '@aws-sdk/client-s3';

function status(err: unknown): number | undefined {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode;
  if (typeof err === 'object' && err !== null && '$metadata' in err) {
    const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
    return meta?.httpStatusCode;
  }
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return status(err) === 404 || (err instanceof Error && (err.name === 'NotFound' || err.name === 'NoSuchKey'));
}

/** A conditional write lost: If-None-Match found the key, or If-Match found another ETag (409 = AWS's concurrent-conditional conflict). */
export function isPreconditionFailed(err: unknown): boolean {
  const s = status(err);
  return s === 412 || s === 409 || (err instanceof Error && err.name === 'PreconditionFailed');
}
