/**
 * Read a dataset's bytes from where the run's `source` param points:
 *   npm:<package>/<file>   a file shipped in an installed npm package (resolved with require.resolve)
 *   s3://bucket/key        an object, read with the worker's S3 client
 *   http(s)://…            fetched
 *   file:///… or a path    the worker's local file system, confined to TIDEFLOW_FILE_ROOTS (local-files.ts)
 * Failures that a retry cannot fix (no such file or bucket, HTTP 4xx) are non-retryable.
 */
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, NoSuchBucket, NoSuchKey } from '@aws-sdk/client-s3';
import { FailureType, InputError } from '../../core/errors';
import { parseS3Uri } from '../../storage/s3-uri';
import type { ArtifactStore } from './store';
import { confinedLocalPath } from './local-files';

export interface SourceBytes {
  bytes: Uint8Array;
  /** Where the bytes came from, resolved (an absolute path for npm: and local sources). */
  location: string;
  contentType?: string;
}

const notFound = (message: string): InputError => new InputError(message, { type: FailureType.SourceNotFound });

function isPackageRoot(dir: string, name: string): boolean {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === name;
  } catch {
    return false;
  }
}

/**
 * `vega-datasets/data/penguins.json` → its absolute path. A package's `exports` may hide its data
 * files from require.resolve, so the package's entry point is resolved and its root found from there.
 */
export function resolvePackageFile(spec: string): string {
  const parts = spec.split('/');
  const nameParts = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/');
  const rel = parts.slice(nameParts).join('/');
  if (name === '' || rel === '') throw notFound(`npm source must be npm:<package>/<file>, got npm:${spec}`);
  let dir: string;
  try {
    dir = path.dirname(require.resolve(name));
  } catch {
    throw notFound(`npm package '${name}' is not installed on this worker`);
  }
  while (!isPackageRoot(dir, name)) {
    const up = path.dirname(dir);
    if (up === dir) throw notFound(`cannot find the root of npm package '${name}'`);
    dir = up;
  }
  const file = path.resolve(dir, rel);
  if (!file.startsWith(dir + path.sep)) throw notFound(`npm source path escapes package '${name}': ${rel}`);
  return file;
}

async function readLocal(file: string): Promise<SourceBytes> {
  try {
    return { bytes: await readFile(file), location: file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw notFound(`cannot read ${file}: ${code}`);
    throw err;
  }
}

async function readHttp(url: string, signal: AbortSignal): Promise<SourceBytes> {
  const res = await fetch(url, { signal, redirect: 'follow' });
  if (!res.ok) {
    const message = `GET ${url} answered ${res.status} ${res.statusText}`;
    // 408 and 429 are worth retrying; other 4xx will answer the same next time.
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw notFound(message);
    throw new Error(message);
  }
  const contentType = res.headers.get('content-type');
  return { bytes: new Uint8Array(await res.arrayBuffer()), location: url, ...(contentType !== null && { contentType }) };
}

async function readS3(store: ArtifactStore, uri: string): Promise<SourceBytes> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const res = await store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!res.Body) throw new Error(`empty body for ${uri}`);
    return {
      bytes: await res.Body.transformToByteArray(),
      location: uri,
      ...(res.ContentType !== undefined && { contentType: res.ContentType }),
    };
  } catch (err) {
    if (err instanceof NoSuchKey) throw notFound(`no object at ${uri}`);
    if (err instanceof NoSuchBucket) throw notFound(`no bucket '${bucket}' for ${uri}`);
    throw err;
  }
}

export async function readSource(source: string, store: ArtifactStore, signal: AbortSignal): Promise<SourceBytes> {
  if (source.startsWith('npm:')) return readLocal(resolvePackageFile(source.slice(4)));
  if (source.startsWith('s3://')) return readS3(store, source);
  if (/^https?:\/\//i.test(source)) return readHttp(source, signal);
  return readLocal(await confinedLocalPath(source));
}

/** Files that are data in a partition folder: not hidden, not `_SUCCESS`-style markers. */
const isDataFile = (name: string): boolean => !/(^|\/)[._][^/]*$/.test(name);

/**
 * The files of a partition folder (a source ending in '/'): every object under an s3:// prefix or
 * every file in a local directory, sorted, markers and hidden files skipped. Plain sources are
 * returned as they are. An empty folder is a non-retryable 'EmptyPartition' naming it.
 */
export async function listSourceFiles(source: string, store: ArtifactStore): Promise<string[]> {
  if (!source.endsWith('/')) return [source];
  let files: string[];
  if (source.startsWith('s3://')) {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(source);
    if (!m?.[1]) throw notFound(`not an s3:// folder: ${source}`);
    const bucket = m[1];
    const prefix = m[2] ?? '';
    files = [];
    let token: string | undefined;
    do {
      const res = await store.s3
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
        .catch((err: unknown) => {
          // A bucket that is not there will not appear on a retry (a typo in the source, most likely).
          if (err instanceof NoSuchBucket) throw notFound(`cannot list the folder ${source}: no bucket '${bucket}'`);
          throw err;
        });
      for (const o of res.Contents ?? [])
        if (o.Key && !o.Key.endsWith('/') && isDataFile(o.Key.slice(prefix.length))) files.push(`s3://${bucket}/${o.Key}`);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token !== undefined);
  } else if (/^https?:\/\//i.test(source) || source.startsWith('npm:')) {
    throw notFound(`cannot list the folder ${source}: folders are supported for s3:// and local paths`);
  } else {
    const dir = await confinedLocalPath(source);
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      files = entries.filter((e) => e.isFile() && isDataFile(e.name)).map((e) => path.join(dir, e.name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw new InputError(`partition ${dir} does not exist`, { type: FailureType.EmptyPartition });
      throw err;
    }
  }
  if (files.length === 0)
    throw new InputError(`partition ${source} is empty: no data files under it`, { type: FailureType.EmptyPartition });
  return files.sort();
}
