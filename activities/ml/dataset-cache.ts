/**
 * Datasets read once per worker process: tune instances, train_best, evaluate, register and
 * report of one run (and later runs on the same data) share the decoded Frame instead of each
 * downloading, checksumming and decoding the Arrow file again.
 *
 * Keyed by the sha256 the reader verified (content-addressed: a hit is the bytes that were
 * checked). A hit for a uri is trusted only while the object is unchanged: each read HEADs the
 * object and compares its ETag with the one seen when it was verified, so a deleted or replaced
 * artifact is read again and reported as missing or corrupted, exactly as without the cache.
 *
 * Entries are read-only and shared: the Frame, its column list, column objects and string
 * arrays are frozen; numeric columns (typed arrays cannot be frozen) are moved onto
 * SharedArrayBuffers so worker threads (./offload) see them without a copy. Every consumer
 * (takeRows, the feature pipeline, predictions) builds new arrays; tests check no step writes
 * into a cached frame. Bounded by TIDEFLOW_DATASET_CACHE_MB (default 1024; 0 disables),
 * least recently used first out.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseS3Uri } from '../../storage/s3-uri';
import type { Frame } from '../../ml/frame/frame';
import { frameBytes, readOnlyFrame } from './offload/read-only-frame';
import type { ArtifactStore } from './store';
import { InputError } from '../../core/errors';

export const DEFAULT_DATASET_CACHE_MB = 1024;

const cacheMb = z.coerce.number().min(0).max(1_048_576).default(DEFAULT_DATASET_CACHE_MB);

/** TIDEFLOW_DATASET_CACHE_MB as bytes; a bad value is refused naming the variable. */
export function datasetCacheBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = cacheMb.safeParse(env['TIDEFLOW_DATASET_CACHE_MB'] === '' ? undefined : env['TIDEFLOW_DATASET_CACHE_MB']);
  if (!parsed.success)
    throw new InputError(`TIDEFLOW_DATASET_CACHE_MB must be a number of MiB ≥ 0, got '${env['TIDEFLOW_DATASET_CACHE_MB']}'`);
  return Math.floor(parsed.data * 1024 * 1024);
}

export { frameBytes, readOnlyFrame } from './offload/read-only-frame';

interface Entry {
  frame: Frame;
  bytes: number;
  /** uri → ETag of the object when its bytes were verified against this sha256. */
  verified: Map<string, string>;
}

export interface DatasetCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
}

export class DatasetCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private readonly inflight = new Map<string, Promise<Frame>>();

  constructor(readonly maxBytes: number) {}

  stats(): DatasetCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /**
   * The frame of `ref`: from the cache when this uri was verified with this sha256 and its ETag
   * is unchanged, otherwise from `load` (which downloads, verifies the checksum and decodes, and
   * throws MissingArtifact / InvalidArtifact as it always did), then cached.
   */
  async read(store: ArtifactStore, ref: { uri: string; sha256: string }, load: () => Promise<Frame>): Promise<Frame> {
    if (this.maxBytes <= 0) return load();
    const etag = await headEtag(store, ref.uri);
    const entry = this.entries.get(ref.sha256);
    if (entry && etag !== undefined && entry.verified.get(ref.uri) === etag) {
      this.hits++;
      this.entries.delete(ref.sha256);
      this.entries.set(ref.sha256, entry);
      return entry.frame;
    }
    this.misses++;
    if (etag === undefined) return load();
    // Tune instances of one run start together: one download and decode serves them all.
    const flightKey = `${ref.sha256} ${ref.uri} ${etag}`;
    let flight = this.inflight.get(flightKey);
    if (!flight) {
      flight = this.loadAndStore(ref, etag, load).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, flight);
    }
    return flight;
  }

  private async loadAndStore(ref: { uri: string; sha256: string }, etag: string, load: () => Promise<Frame>): Promise<Frame> {
    const loaded = await load();
    const again = this.entries.get(ref.sha256);
    if (again) {
      // Same verified content under another uri (or the object rewritten with the same bytes).
      again.verified.set(ref.uri, etag);
      return again.frame;
    }
    const frame = readOnlyFrame(loaded);
    const bytes = frameBytes(frame);
    if (bytes > this.maxBytes) return frame;
    this.entries.set(ref.sha256, { frame, bytes, verified: new Map([[ref.uri, etag]]) });
    this.bytes += bytes;
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.bytes;
    }
    return frame;
  }
}

/** The object's ETag; undefined when HEAD fails (the loader then reports what is wrong). */
async function headEtag(store: ArtifactStore, uri: string): Promise<string | undefined> {
  try {
    const { bucket, key } = parseS3Uri(uri);
    const res = await store.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return res.ETag;
  } catch {
    return undefined;
  }
}

let processCache: DatasetCache | undefined;

/** The worker process's cache, sized from TIDEFLOW_DATASET_CACHE_MB on first use. */
export function datasetCache(): DatasetCache {
  processCache ??= new DatasetCache(datasetCacheBytesFromEnv());
  return processCache;
}
