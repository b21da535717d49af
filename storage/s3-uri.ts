/** `s3://bucket/key` URIs, the form every Tideflow artifact reference uses. No dependencies, so the CLI can use it without loading the S3 SDK. */

export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` → its parts (the key non-empty), or undefined when it is not one. */
export function s3Location(uri: string): S3Location | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m?.[1] && m[2] ? { bucket: m[1], key: m[2] } : undefined;
}
