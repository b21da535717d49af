/**
 * Prediction logging: every scored row (request id, time, model, version, the model's input
 * columns, the outputs) is appended to S3 as Arrow IPC files
 *   <prefix>predictions/<model>/dt=YYYY-MM-DD/<time>-<uuid>.arrow
 * Rows are batched in memory and written when the batch holds `maxRows` rows or its oldest row is
 * `maxDelayMs` old, and on shutdown (`close`). So a crash (kill -9, power loss) loses at most the
 * rows accepted since the last write: at most `maxRows` rows, at most `maxDelayMs` of traffic.
 * A failed write keeps its rows for the next attempt; if S3 stays down and more than
 * `maxBufferedRows` pile up, the oldest are dropped and counted (the server never stops answering
 * because its log is unavailable). One file holds one model version (its input columns are typed).
 * Rows are buffered column by column (serve/log-batch.ts), one batch per model version and day.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Frame } from '../ml/frame/frame';
import { frameToArrow } from '../ml/io/arrow';
import type { Scores } from '../ml/predict';
import type { ArtifactStore } from '../registry';
import { predictionLogKey } from '../ml/predict/log-layout';
import { LogBatch } from './log-batch';
import type { ServedModel } from './models';

export interface PredictionLogOptions {
  maxRows: number;
  maxDelayMs: number;
  maxBufferedRows: number;
  log: (line: string) => void;
  onWritten?: (model: string, rows: number) => void;
  onDropped?: (model: string, rows: number) => void;
}

const DAY_MS = 86_400_000;

export class PredictionLog {
  /** Every batch not yet written, oldest first (a failed write puts its batch back in front). */
  private pending: LogBatch[] = [];
  /** The batch each model version (name\0version) appends to now (today's); also in `pending`. */
  private open = new Map<string, LogBatch>();
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The UTC day of `dayStart` .. `dayStart` + 1 day, so a request does not format a date. */
  private day = '';
  private dayStart = 0;

  constructor(
    private readonly store: ArtifactStore,
    private readonly o: PredictionLogOptions,
  ) {}

  append(requestId: string, served: ServedModel, inputs: Frame, scores: Scores): void {
    const at = Date.now();
    if (at < this.dayStart || at >= this.dayStart + DAY_MS) {
      this.dayStart = at - (at % DAY_MS);
      this.day = new Date(this.dayStart).toISOString().slice(0, 10);
    }
    const key = `${served.name}\u0000${served.version}`;
    let batch = this.open.get(key);
    if (!batch || batch.day !== this.day) {
      batch = new LogBatch(served, this.day, at, inputs.columns);
      this.open.set(key, batch);
      this.pending.push(batch);
    }
    batch.append(requestId, at, inputs, scores);
    this.rows += inputs.rows;
    if (this.rows >= this.o.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.o.maxDelayMs);
  }

  /** Write what is buffered now; resolves when that write (and any before it) is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.pending;
    this.pending = [];
    this.open = new Map();
    this.rows = 0;
    this.writing = this.writing.then(() => this.write(batches));
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async write(batches: LogBatch[]): Promise<void> {
    const failed: LogBatch[] = [];
    for (const batch of batches) {
      if (batch.rows === 0) continue;
      const frame = batch.toFrame();
      const key = predictionLogKey(this.store.prefix, batch.served.name, new Date(batch.firstAt), randomUUID());
      try {
        await this.store.s3.send(
          new PutObjectCommand({
            Bucket: this.store.bucket,
            Key: key,
            Body: frameToArrow(frame, { plainStrings: ['request_id'] }),
            ContentType: 'application/vnd.apache.arrow.file',
          }),
        );
        this.o.onWritten?.(batch.served.name, frame.rows);
      } catch (err) {
        this.o.log(
          `prediction log: writing ${frame.rows} rows to ${key} failed (${(err as Error).message}); keeping them for the next flush`,
        );
        failed.push(batch);
      }
    }
    if (failed.length > 0) this.requeue(failed);
  }

  /** Batches whose write failed go back in front; past maxBufferedRows the oldest rows are dropped and counted. */
  private requeue(failed: LogBatch[]): void {
    this.pending = [...failed, ...this.pending];
    for (const batch of failed) this.rows += batch.rows;
    while (this.rows > this.o.maxBufferedRows && this.pending.length > 0) {
      const oldest = this.pending[0] as LogBatch;
      const dropped = oldest.dropFirst(this.rows - this.o.maxBufferedRows);
      this.rows -= dropped;
      if (dropped > 0) this.o.onDropped?.(oldest.served.name, dropped);
      if (oldest.rows === 0) {
        this.pending.shift();
        const key = `${oldest.served.name}\u0000${oldest.served.version}`;
        if (this.open.get(key) === oldest) this.open.delete(key);
      }
    }
    this.timer ??= setTimeout(() => void this.flush(), this.o.maxDelayMs);
  }
}
