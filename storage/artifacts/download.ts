/**
 * The one verified reader: every artifact read (task outputs by reference, datasets, models,
 * registry artifacts, command inputs, `tideflow artifacts get`) checks the bytes against the
 * sha256 (and size) recorded when they were written: the reference's, or for a
 * content-addressed key the digest the key was derived from, never the object's own metadata,
 * so a replaced or bit-rotted object cannot pass. Streams are verified at their end; the file
 * and bytes readers only hand data over once it has been verified.
 */
import { rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { pipeline as pipelineCb, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ArtifactCorruptedError, InvalidKeyError, MissingArtifactError } from './errors';
import { digestOfKey } from './keys';
import { HashMeter } from './meter';
import { isNotFound } from './s3-errors';
import type { ArtifactStore, TransferOptions } from './types';

/**
 * What a reader needs: the key (or s3:// uri), and the sha256 and size recorded at write time.
 * The sha256 may be left out for a content-addressed key (its key names it).
 */
export interface ArtifactLocator {
  key?: string;
  uri?: string;
  bytes?: number;
  sha256?: string;
}

function keyOf(store: ArtifactStore, loc: ArtifactLocator): string {
  if (loc.key !== undefined) return loc.key;
  const prefix = `s3://${store.bucket}/`;
  if (loc.uri?.startsWith(prefix)) return loc.uri.slice(prefix.length);
  throw new InvalidKeyError(`artifact ${loc.uri ?? '(no uri)'} is not in bucket ${store.bucket}`);
}

/** Fails the stream at its end when the content does not hash to the digest in its key. */
class Verifier extends Transform {
  constructor(
    private readonly meter: HashMeter,
    private readonly uri: string,
    private readonly expected: string,
    private readonly expectedBytes: number | undefined,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    const actual = this.meter.hash.digest('hex');
    const sizeOk = this.expectedBytes === undefined || this.expectedBytes === this.meter.bytes;
    if (actual !== this.expected || !sizeOk) {
      const size = this.expectedBytes === undefined ? '' : `${this.expectedBytes} bytes with `;
      done(
        new ArtifactCorruptedError(
          `${this.uri} is corrupted: expected ${size}sha256 ${this.expected}, got ${this.meter.bytes} bytes with sha256 ${actual}`,
        ),
      );
      return;
    }
    done();
  }
}

export interface ReadOptions extends TransferOptions {
  /**
   * When the locator has no sha256 and the key is not content-addressed, verify against the
   * sha256 its writer recorded in the object's metadata (every Tideflow writer records it). For
   * callers that only have a uri (`tideflow artifacts get`); tasks always have the reference.
   */
  recordedSha256?: boolean;
}

export interface OpenedArtifact {
  /** Errors with ArtifactCorruptedError at its end when the bytes do not match. */
  stream: Readable;
  uri: string;
  sha256: string;
  contentType: string | undefined;
}

/** Open a verifying stream: MissingArtifactError when absent; ArtifactCorruptedError at its end on mismatch. */
export async function openArtifactWithInfo(store: ArtifactStore, loc: ArtifactLocator, opts: ReadOptions = {}): Promise<OpenedArtifact> {
  const key = keyOf(store, loc);
  const uri = `s3://${store.bucket}/${key}`;
  const fromKey = digestOfKey(key);
  if (loc.sha256 !== undefined && fromKey !== undefined && fromKey !== loc.sha256)
    throw new ArtifactCorruptedError(`${uri} is referenced with sha256 ${loc.sha256}, but its key was derived from ${fromKey}`);
  if (loc.sha256 === undefined && fromKey === undefined && !opts.recordedSha256)
    throw new InvalidKeyError(`${key} has no recorded sha256 and is not a content-addressed artifact key`);
  const res = await store.s3
    .send(new GetObjectCommand({ Bucket: store.bucket, Key: key }), opts.signal ? { abortSignal: opts.signal } : {})
    .catch((err: unknown) => {
      if (isNotFound(err)) throw new MissingArtifactError(`${uri} does not exist (deleted, or written under another bucket/prefix?)`);
      throw err;
    });
  if (!(res.Body instanceof Readable)) throw new Error(`no body for ${key}`);
  const expected = loc.sha256 ?? fromKey ?? res.Metadata?.['sha256'];
  if (expected === undefined) {
    res.Body.destroy();
    throw new ArtifactCorruptedError(
      `${uri} has no recorded sha256 (not written by Tideflow, or replaced since): its content cannot be verified`,
    );
  }
  const meter = new HashMeter(opts);
  const verifier = new Verifier(meter, uri, expected, loc.bytes);
  // pipeline destroys every stage on error, so a dropped connection reaches the consumer as an error, never a hang.
  const stream = pipelineCb(res.Body, meter, verifier, () => undefined);
  return { stream, uri, sha256: expected, contentType: res.ContentType };
}

/** A verifying stream of the artifact (see openArtifactWithInfo). */
export async function openArtifact(store: ArtifactStore, loc: ArtifactLocator, opts: ReadOptions = {}): Promise<Readable> {
  return (await openArtifactWithInfo(store, loc, opts)).stream;
}

/** Small artifacts only: the whole content, verified, in memory. */
export async function readArtifactBytes(store: ArtifactStore, loc: ArtifactLocator, opts: ReadOptions = {}): Promise<Buffer> {
  const stream = await openArtifact(store, loc, opts);
  // With the size known, each chunk is copied into place as it arrives: one Buffer.concat at the
  // end copies the whole object in a single event-loop turn (~300 ms for a few hundred MB).
  const whole = loc.bytes !== undefined && loc.bytes > 0 ? Buffer.allocUnsafe(loc.bytes) : undefined;
  const chunks: Buffer[] = [];
  let at = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    if (whole && at + b.length <= whole.length) b.copy(whole, at);
    else chunks.push(b);
    at += b.length;
  }
  // A size mismatch has already failed verification at the stream's end; this is only defensive.
  if (whole && at === whole.length && chunks.length === 0) return whole;
  return Buffer.concat(whole ? [whole.subarray(0, Math.min(at, whole.length)), ...chunks] : chunks);
}

/** Stream to `path` with bounded memory; the file appears only once the content is verified. */
export async function downloadArtifact(store: ArtifactStore, loc: ArtifactLocator, path: string, opts: ReadOptions = {}): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await pipeline(await openArtifact(store, loc, opts), createWriteStream(partial), opts.signal ? { signal: opts.signal } : {});
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
