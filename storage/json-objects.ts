/**
 * Small JSON documents in S3 (task outputs passed by reference), with a sha256 check on read
 * so a corrupted or replaced object is an error, never silently used.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OutputRef } from '../core/output-ref';
import { s3Location, type S3Location } from './s3-uri';

export class ObjectIntegrityError extends Error {
  override name = 'ObjectIntegrityError';
}

export class MissingObjectError extends Error {
  override name = 'MissingObjectError';
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function parseS3Uri(uri: string): S3Location {
  const loc = s3Location(uri);
  if (!loc) throw new Error(`not an s3:// URI: ${uri}`);
  return loc;
}

/** Write `json` (already serialized) and return a reference to it. */
export async function putJsonText(s3: S3Client, bucket: string, key: string, json: string, length?: number): Promise<OutputRef> {
  const body = Buffer.from(json, 'utf8');
  const sha256 = sha256Hex(body);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', Metadata: { sha256 } }));
  return { $tideflowRef: 1, uri: `s3://${bucket}/${key}`, bytes: body.length, sha256, ...(length !== undefined && { length }) };
}

/** Read a referenced JSON document, verifying its size and checksum. */
export async function getJsonByRef(s3: S3Client, ref: OutputRef): Promise<unknown> {
  const { bucket, key } = parseS3Uri(ref.uri);
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((err: unknown) => {
    if (err instanceof NoSuchKey)
      throw new MissingObjectError(`${ref.uri} does not exist (deleted, or written under another bucket/prefix?)`);
    throw err;
  });
  if (!res.Body) throw new Error(`empty body for ${ref.uri}`);
  const bytes = await res.Body.transformToByteArray();
  const actual = sha256Hex(bytes);
  if (bytes.length !== ref.bytes || actual !== ref.sha256) {
    throw new ObjectIntegrityError(
      `${ref.uri} is corrupted: expected ${ref.bytes} bytes with sha256 ${ref.sha256}, got ${bytes.length} bytes with sha256 ${actual}`,
    );
  }
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}
