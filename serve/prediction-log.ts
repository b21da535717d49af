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

/** The log columns of one request: meta, inputs (as typed for the model), outputs. */
export function entryFrame(e: Entry): Frame {
  const n = e.inputs.rows;
  const a = e.served.model.artifact;
  const fill = (v: number): Float64Array => new Float64Array(n).fill(v);
  const meta: FrameColumn[] = [
    { name: 'request_id', type: 'string', values: new Array<string | null>(n).fill(e.requestId) },
    { name: 'row_index', type: 'number', values: Float64Array.from({ length: n }, (_, i) => i) },
    { name: 'scored_at', type: 'timestamp', values: fill(e.at) },
    { name: 'model', type: 'string', values: new Array<string | null>(n).fill(e.served.name) },
    { name: 'model_version', type: 'number', values: fill(e.served.version) },
  ];
  const taken = new Set(meta.map((c) => c.name));
  const inputs = e.inputs.columns.filter((c) => !taken.has(c.name));
  const outputs: FrameColumn[] =
    a.task === 'regression'
      ? [{ name: 'prediction', type: 'number', values: e.scores.values }]
      : [
          { name: 'prediction', type: 'string', values: e.scores.labels ?? [] },
          ...a.classes.map((cls, c): FrameColumn => {
            const k = a.classes.length;
            const values = new Float64Array(n);
            for (let i = 0; i < n; i++) values[i] = e.scores.proba?.[i * k + c] ?? NaN;
            return { name: `proba_${cls}`, type: 'number', values };
          }),
        ];
  return { rows: n, columns: [...meta, ...inputs.filter((c) => !outputs.some((o) => o.name === c.name)), ...outputs] };
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
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const entries of groups.values()) {
      const first = entries[0] as Entry;
      const frame = concatFrames(entries.map((e) => ({ frame: entryFrame(e), location: e.requestId })));
      const key = predictionLogKey(this.store.prefix, first.served.name, new Date(first.at), randomUUID());
      try {
        await this.store.s3.send(
          new PutObjectCommand({
            Bucket: this.store.bucket,
            Key: key,
            Body: frameToArrow(frame),
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
