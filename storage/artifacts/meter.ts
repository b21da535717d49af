/**
 * A pass-through stream that hashes and counts what flows through it and reports progress,
 * so uploads learn their digest without buffering and downloads can verify theirs.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { TransferOptions } from './types';

const DEFAULT_EVERY = 8 * 1024 * 1024;

export class HashMeter extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private nextReport: number;
  private readonly reportEvery: number;
  private readonly onProgress: ((n: number) => void) | undefined;

  constructor(opts: TransferOptions = {}) {
    super();
    this.reportEvery = opts.progressEveryBytes ?? DEFAULT_EVERY;
    this.nextReport = this.reportEvery;
    this.onProgress = opts.onProgress;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.onProgress && this.bytes >= this.nextReport) {
      this.nextReport = this.bytes + this.reportEvery;
      try {
        this.onProgress(this.bytes);
      } catch (err) {
        // A heartbeat that throws means the activity was cancelled: stop the transfer.
        done(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    done(null, chunk);
  }
}
