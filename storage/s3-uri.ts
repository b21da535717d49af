/** `s3://bucket/key` URIs, the form every Tideflow artifact reference uses. No SDK dependency, so the CLI can use it without loading the S3 SDK. */
import { InputError } from '../core/errors';

export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` → its parts (the key non-empty), or undefined when it is not one. */
export function s3Location(uri: string): S3Location | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m?.[1] && m[2] ? { bucket: m[1], key: m[2] } : undefined;
}

/** `s3://bucket/key` → its parts; an InputError naming the value otherwise. */
export function parseS3Uri(uri: string): S3Location {
  const loc = s3Location(uri);
  if (!loc) throw new InputError(`not an s3:// URI: ${uri}`);
  return loc;
}
