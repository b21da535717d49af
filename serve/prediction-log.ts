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
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { concatFrames } from '../ml/frame/concat';
import type { Frame, FrameColumn } from '../ml/frame/frame';
import { frameToArrow } from '../ml/io/arrow';
import type { Scores } from '../ml/predict';
import type { ArtifactStore } from '../registry';
import { predictionLogKey } from '../ml/predict/log-layout';
import type { ServedModel } from './models';

export interface PredictionLogOptions {
  maxRows: number;
  maxDelayMs: number;
  maxBufferedRows: number;
  log: (line: string) => void;
  onWritten?: (model: string, rows: number) => void;
  onDropped?: (model: string, rows: number) => void;
}

interface Entry {
  requestId: string;
  at: number;
  served: ServedModel;
  inputs: Frame;
  scores: Scores;
}

/**
 * The log columns of a batch of requests to one model version: meta, inputs (as typed for the
 * model), outputs. Built column by column once per flush, off the response path: requests only
 * queue their frames (append), and a flush of thousands of single-row requests costs about what
 * one request of as many rows does (bench: `npm run bench -- --only serve`, log on vs off).
 */
export function batchFrame(entries: readonly Entry[]): Frame {
  const first = entries[0];
  if (!first) return { rows: 0, columns: [] };
  const n = entries.reduce((sum, e) => sum + e.inputs.rows, 0);
  const a = first.served.model.artifact;
  const requestIds = new Array<string | null>(n);
  const rowIndex = new Float64Array(n);
  const scoredAt = new Float64Array(n);
  const labels = new Array<string | null>(n);
  const values = new Float64Array(n);
  const k = a.task === 'regression' ? 0 : a.classes.length;
  const proba = Array.from({ length: k }, () => new Float64Array(n));
  let row = 0;
  for (const e of entries) {
    for (let i = 0; i < e.inputs.rows; i++, row++) {
      requestIds[row] = e.requestId;
      rowIndex[row] = i;
      scoredAt[row] = e.at;
      if (k === 0) values[row] = e.scores.values[i] ?? NaN;
      else labels[row] = e.scores.labels?.[i] ?? null;
      for (let c = 0; c < k; c++) (proba[c] as Float64Array)[row] = e.scores.proba?.[i * k + c] ?? NaN;
    }
  }
  const meta: FrameColumn[] = [
    { name: 'request_id', type: 'string', values: requestIds },
    { name: 'row_index', type: 'number', values: rowIndex },
    { name: 'scored_at', type: 'timestamp', values: scoredAt },
    { name: 'model', type: 'string', values: new Array<string | null>(n).fill(first.served.name) },
    { name: 'model_version', type: 'number', values: new Float64Array(n).fill(first.served.version) },
  ];
  const outputs: FrameColumn[] =
    k === 0
      ? [{ name: 'prediction', type: 'number', values }]
      : [
          { name: 'prediction', type: 'string', values: labels },
          ...a.classes.map((cls, c): FrameColumn => ({ name: `proba_${cls}`, type: 'number', values: proba[c] as Float64Array })),
        ];
  const taken = new Set([...meta, ...outputs].map((c) => c.name));
  const inputs = concatFrames(entries.map((e) => ({ frame: e.inputs, location: `request ${e.requestId}` })));
  return { rows: n, columns: [...meta, ...inputs.columns.filter((c) => !taken.has(c.name)), ...outputs] };
}

export class PredictionLog {
  private buffer: Entry[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ArtifactStore,
    private readonly o: PredictionLogOptions,
  ) {}

  append(requestId: string, served: ServedModel, inputs: Frame, scores: Scores): void {
    this.buffer.push({ requestId, at: Date.now(), served, inputs, scores });
    this.rows += inputs.rows;
    if (this.rows >= this.o.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.o.maxDelayMs);
  }

  /** Write what is buffered now; resolves when that write (and any before it) is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.rows = 0;
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async write(batch: Entry[]): Promise<void> {
    if (batch.length === 0) return;
    const groups = new Map<string, Entry[]>();
    for (const e of batch) {
      const day = new Date(e.at).toISOString().slice(0, 10);
      const key = `${e.served.name}\u0000${e.served.version}\u0000${day}`;
      const group = groups.get(key);
      if (group) group.push(e);
      else groups.set(key, [e]);
    }
    for (const entries of groups.values()) {
      const first = entries[0] as Entry;
      const frame = batchFrame(entries);
      const key = predictionLogKey(this.store.prefix, first.served.name, new Date(first.at), randomUUID());
      try {
        await this.store.s3.send(
          new PutObjectCommand({
            Bucket: this.store.bucket,
            Key: key,
            Body: frameToArrow(frame, { plainStrings: ['request_id'] }),
            ContentType: 'application/vnd.apache.arrow.file',
          }),
        );
        this.o.onWritten?.(first.served.name, frame.rows);
      } catch (err) {
        this.o.log(
          `prediction log: writing ${frame.rows} rows to ${key} failed (${(err as Error).message}); keeping them for the next flush`,
        );
        this.requeue(entries);
      }
    }
  }

  private requeue(entries: Entry[]): void {
    this.buffer = [...entries, ...this.buffer];
    this.rows += entries.reduce((n, e) => n + e.inputs.rows, 0);
    while (this.rows > this.o.maxBufferedRows && this.buffer.length > 0) {
      const dropped = this.buffer.shift() as Entry;
      this.rows -= dropped.inputs.rows;
      this.o.onDropped?.(dropped.served.name, dropped.inputs.rows);
    }
    this.timer ??= setTimeout(() => void this.flush(), this.o.maxDelayMs);
  }
}
