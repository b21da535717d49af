/**
 * Key rules. User-supplied keys and prefixes are checked before they reach S3: S3 itself
 * accepts `../x` or `/x` literally, but tools that mirror buckets to disk (aws s3 sync, mc
 * mirror) resolve them, so a hostile name could write outside its folder.
 */
import { InvalidKeyError } from './errors';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_KEY = 1024;

function check(value: string, what: string, allowTrailingSlash: boolean): void {
  if (typeof value !== 'string') throw new InvalidKeyError(`${what} must be a string`);
  if (CONTROL.test(value)) throw new InvalidKeyError(`${what} ${JSON.stringify(value)} contains control characters`);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value))
    throw new InvalidKeyError(`${what} ${JSON.stringify(value)} is absolute; use a relative key`);
  if (value.includes('\\')) throw new InvalidKeyError(`${what} ${JSON.stringify(value)} contains '\\'; use '/' between segments`);
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY) throw new InvalidKeyError(`${what} is longer than ${MAX_KEY} bytes`);
  const segments = value.split('/');
  if (allowTrailingSlash && segments[segments.length - 1] === '') segments.pop();
  for (const seg of segments) {
    if (seg === '..' || seg === '.')
      throw new InvalidKeyError(`${what} ${JSON.stringify(value)} contains a '${seg}' segment (path traversal)`);
    if (seg === '') throw new InvalidKeyError(`${what} ${JSON.stringify(value)} has an empty segment ('//' or a trailing '/')`);
  }
}

/** A relative object key such as `datasets/2024-01-01/sales.parquet`. */
export function validateKey(key: string): string {
  if (key === '') throw new InvalidKeyError('key must not be empty');
  check(key, 'key', false);
  return key;
}

/** A key prefix: '' or relative segments ending in '/' (added when missing). */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return '';
  check(prefix, 'prefix', true);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** `<prefix>artifacts/sha256/ab/<hex>`: the fan-out directory keeps listings of one folder short. */
export function contentKey(prefix: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new InvalidKeyError(`not a sha256 hex digest: ${JSON.stringify(sha256)}`);
  return `${validatePrefix(prefix)}artifacts/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** The digest a content key was derived from, or undefined for other keys. */
export function digestOfKey(key: string): string | undefined {
  const m = /(?:^|\/)artifacts\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(key);
  return m?.[1];
}

/** Uploads land here first and are copied to their content key once the digest is known. */
export function stagingKey(prefix: string, id: string): string {
  return `${validatePrefix(prefix)}artifacts/staging/${id}`;
}
