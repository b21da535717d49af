/**
 * The prediction log's column batches (serve/log-batch.ts) and the log's buffering around them
 * (serve/prediction-log.ts) with an in-memory S3: every row of every request lands in exactly one
 * file of its model version and day, with its own meta, inputs and outputs; a batch is written at
 * maxRows or after maxDelayMs, and on close; a failed write keeps its rows for the next flush,
 * and past maxBufferedRows the oldest rows are dropped and counted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameToRows, type Frame } from '../../ml/frame/frame';
import { frameFromArrow, frameToArrow } from '../../ml/io/arrow';
import type { Scores } from '../../ml/predict';
import type { ArtifactStore } from '../../registry';
import { LogBatch } from '../../serve/log-batch';
import type { ServedModel } from '../../serve/models';
import { PredictionLog } from '../../serve/prediction-log';

const classifier = (version: number): ServedModel =>
  ({ name: 'flights', version, model: { artifact: { task: 'classification', classes: ['on_time', 'late'] } } }) as unknown as ServedModel;
const iso = (ms: number): string => new Date(ms).toISOString();
const regressor = { name: 'mass', version: 1, model: { artifact: { task: 'regression' } } } as unknown as ServedModel;

const SCHEMA = [
  { name: 'distance', type: 'number' as const },
  { name: 'origin', type: 'string' as const },
];

function inputs(n: number, from: number): Frame {
  return {
    rows: n,
    columns: [
      { name: 'distance', type: 'number', values: Float64Array.from({ length: n }, (_, i) => from + i) },
      { name: 'origin', type: 'string', values: Array.from({ length: n }, (_, i) => (i === 1 ? null : `O${from + i}`)) },
    ],
  };
}

function scores(n: number, from: number): Scores {
  const late = Array.from({ length: n }, (_, i) => (from + i) / 10);
  return {
    rows: n,
    labels: late.map((p) => (p > 0.5 ? 'late' : 'on_time')),
    proba: Float64Array.from(late.flatMap((p) => [1 - p, p])),
    values: Float64Array.from(late, (p) => (p > 0.5 ? 1 : 0)),
  };
}

describe('LogBatch', () => {
  /** Three requests to one version, single- and multi-row mixed, in one batch. */
  function mixedBatch(): Frame {
    const served = classifier(3);
    const b = new LogBatch(served, '1970-01-01', 1000, SCHEMA);
    b.append('a', 1000, inputs(1, 0), scores(1, 0));
    b.append('b', 2000, inputs(3, 1), scores(3, 1));
    b.append('c', 3000, inputs(1, 4), scores(1, 4));
    return b.toFrame();
  }

  it('holds every row of every request with its own meta, inputs and outputs', () => {
    const frame = mixedBatch();
    expect(frame.columns.map((c) => c.name)).toEqual([
      'request_id',
      'row_index',
      'scored_at',
      'model',
      'model_version',
      'distance',
      'origin',
      'prediction',
      'proba_on_time',
      'proba_late',
    ]);
    const rows = frameToRows(frame);
    expect(rows.map((r) => [r.request_id, r.row_index, r.distance, r.origin, r.prediction])).toEqual([
      ['a', 0, 0, 'O0', 'on_time'],
      ['b', 0, 1, 'O1', 'on_time'],
      ['b', 1, 2, null, 'on_time'],
      ['b', 2, 3, 'O3', 'on_time'],
      ['c', 0, 4, 'O4', 'on_time'],
    ]);
    expect(rows.map((r) => r.proba_late)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(rows.map((r) => r.model_version)).toEqual([3, 3, 3, 3, 3]);
    expect(frame.columns.find((c) => c.name === 'scored_at')?.values).toEqual(Float64Array.from([1000, 2000, 2000, 2000, 3000]));
  });

  it('reads back from Arrow unchanged, request ids written as plain utf8', () => {
    const frame = mixedBatch();
    expect(frameToRows(frameFromArrow(frameToArrow(frame, { plainStrings: ['request_id'] })))).toEqual(frameToRows(frame));
  });

  it('buffers rows column by column: meta, inputs in schema order, label and probabilities', () => {
    const b = new LogBatch(classifier(3), '2026-12-06', 1000, SCHEMA);
    b.append('a', 1000, inputs(1, 0), scores(1, 0));
    b.append('b', 2000, inputs(3, 6), scores(3, 6));
    const frame = b.toFrame();
    expect(frame.rows).toBe(4);
    expect(frame.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'request_id:string',
      'row_index:number',
      'scored_at:timestamp',
      'model:string',
      'model_version:number',
      'distance:number',
      'origin:string',
      'prediction:string',
      'proba_on_time:number',
      'proba_late:number',
    ]);
    expect(frameToRows(frame)).toEqual([
      {
        request_id: 'a',
        row_index: 0,
        scored_at: iso(1000),
        model: 'flights',
        model_version: 3,
        distance: 0,
        origin: 'O0',
        prediction: 'on_time',
        proba_on_time: 1,
        proba_late: 0,
      },
      {
        request_id: 'b',
        row_index: 0,
        scored_at: iso(2000),
        model: 'flights',
        model_version: 3,
        distance: 6,
        origin: 'O6',
        prediction: 'late',
        proba_on_time: 1 - 0.6,
        proba_late: 0.6,
      },
      {
        request_id: 'b',
        row_index: 1,
        scored_at: iso(2000),
        model: 'flights',
        model_version: 3,
        distance: 7,
        origin: null,
        prediction: 'late',
        proba_on_time: 1 - 0.7,
        proba_late: 0.7,
      },
      {
        request_id: 'b',
        row_index: 2,
        scored_at: iso(2000),
        model: 'flights',
        model_version: 3,
        distance: 8,
        origin: 'O8',
        prediction: 'late',
        proba_on_time: 1 - 0.8,
        proba_late: 0.8,
      },
    ]);
  });

  it('writes a regression value as the prediction, and finds input columns by name when a frame has another order', () => {
    const b = new LogBatch(regressor, '2026-12-06', 0, SCHEMA);
    const f = inputs(2, 10);
    b.append('r', 5, { rows: 2, columns: [...f.columns].reverse() }, { rows: 2, values: Float64Array.from([4210.5, 3800]) });
    const rows = frameToRows(b.toFrame());
    expect(rows.map((r) => [r.distance, r.origin, r.prediction])).toEqual([
      [10, 'O10', 4210.5],
      [11, null, 3800],
    ]);
    expect(Object.keys(rows[0] ?? {})).not.toContain('proba_on_time');
  });

  it('leaves out an input column whose name a log column takes', () => {
    const b = new LogBatch(classifier(1), '2026-12-06', 0, [{ name: 'prediction', type: 'number' }, ...SCHEMA]);
    const f = inputs(1, 0);
    b.append(
      'x',
      0,
      { rows: 1, columns: [{ name: 'prediction', type: 'number', values: Float64Array.from([99]) }, ...f.columns] },
      scores(1, 0),
    );
    const frame = b.toFrame();
    expect(frame.columns.filter((c) => c.name === 'prediction')).toHaveLength(1);
    expect(frameToRows(frame)[0]?.prediction).toBe('on_time');
  });

  it('drops its oldest rows from every column', () => {
    const b = new LogBatch(classifier(1), '2026-12-06', 0, SCHEMA);
    b.append('a', 1, inputs(2, 0), scores(2, 0));
    b.append('b', 2, inputs(2, 2), scores(2, 2));
    expect(b.dropFirst(3)).toBe(3);
    expect(b.rows).toBe(1);
    expect(frameToRows(b.toFrame())).toEqual([
      {
        request_id: 'b',
        row_index: 1,
        scored_at: iso(2),
        model: 'flights',
        model_version: 1,
        distance: 3,
        origin: null,
        prediction: 'on_time',
        proba_on_time: 1 - 0.3,
        proba_late: 0.3,
      },
    ]);
    expect(b.dropFirst(5)).toBe(1);
    expect(b.toFrame().rows).toBe(0);
  });
});

/** An S3 that keeps what is put (or fails while `failing`). */
function memoryStore(): { store: ArtifactStore; files: Map<string, Frame>; failing: { on: boolean } } {
  const files = new Map<string, Frame>();
  const failing = { on: false };
  const s3 = {
    send: (cmd: { input: { Key: string; Body: Uint8Array } }) => {
      if (failing.on) return Promise.reject(new Error('S3 is down'));
      files.set(cmd.input.Key, frameFromArrow(cmd.input.Body));
      return Promise.resolve({});
    },
  };
  return { store: { s3, bucket: 'b', prefix: 'p/' } as unknown as ArtifactStore, files, failing };
}

describe('PredictionLog with column batches', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const options = (o: Partial<{ maxRows: number; maxDelayMs: number; maxBufferedRows: number }> = {}) => {
    const written: [string, number][] = [];
    const dropped: [string, number][] = [];
    return {
      written,
      dropped,
      o: {
        maxRows: 1000,
        maxDelayMs: 5000,
        maxBufferedRows: 100_000,
        log: () => undefined,
        onWritten: (m: string, n: number) => written.push([m, n]),
        onDropped: (m: string, n: number) => dropped.push([m, n]),
        ...o,
      },
    };
  };

  it('writes one file per model version and day at maxRows, the rest on close', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 23, 59, 59, 990), toFake: ['Date'] });
    const { store, files } = memoryStore();
    const { o, written } = options({ maxRows: 5 });
    const log = new PredictionLog(store, o);
    log.append('a', classifier(1), inputs(1, 0), scores(1, 0));
    log.append('b', classifier(2), inputs(1, 1), scores(1, 1));
    vi.setSystemTime(Date.UTC(2026, 11, 7, 0, 0, 0, 5)); // the next day: another file for version 1
    log.append('c', classifier(1), inputs(2, 2), scores(2, 2));
    expect(files.size).toBe(0);
    log.append('d', classifier(1), inputs(1, 4), scores(1, 4)); // 5 rows: flush
    await log.close();
    const keys = [...files.keys()].sort();
    expect(keys).toHaveLength(3);
    expect(keys.filter((k) => k.includes('dt=2026-12-06'))).toHaveLength(2);
    const byVersionDay = [...files.entries()].map(([k, f]) => [
      k.includes('dt=2026-12-07'),
      frameToRows(f).map((r) => `${r.request_id}${r.row_index}@v${r.model_version}`),
    ]);
    expect(byVersionDay).toContainEqual([true, ['c0@v1', 'c1@v1', 'd0@v1']]);
    expect(byVersionDay).toContainEqual([false, ['a0@v1']]);
    expect(byVersionDay).toContainEqual([false, ['b0@v2']]);
    expect(written.reduce((n, [, r]) => n + r, 0)).toBe(5);
  });

  it('writes after maxDelayMs from the oldest buffered row', async () => {
    vi.useFakeTimers();
    const { store, files } = memoryStore();
    const log = new PredictionLog(store, options({ maxDelayMs: 300 }).o);
    log.append('a', classifier(1), inputs(1, 0), scores(1, 0));
    await vi.advanceTimersByTimeAsync(200);
    log.append('b', classifier(1), inputs(1, 1), scores(1, 1));
    expect(files.size).toBe(0);
    await vi.advanceTimersByTimeAsync(150);
    expect([...files.values()].map((f) => frameToRows(f).map((r) => r.request_id))).toEqual([['a', 'b']]);
    await log.close();
    expect(files.size).toBe(1);
  });

  it('keeps the rows of a failed write for the next flush, oldest first; past maxBufferedRows drops the oldest and counts them', async () => {
    const { store, files, failing } = memoryStore();
    const { o, dropped } = options({ maxBufferedRows: 4 });
    const log = new PredictionLog(store, o);
    failing.on = true;
    log.append('a', classifier(1), inputs(2, 0), scores(2, 0));
    await log.flush();
    log.append('b', classifier(1), inputs(2, 2), scores(2, 2));
    await log.flush(); // a (2) + b (2): 4 rows kept
    expect(dropped).toEqual([]);
    log.append('c', classifier(1), inputs(1, 4), scores(1, 4));
    await log.flush(); // 5 rows > 4: a's first row dropped
    expect(dropped).toEqual([['flights', 1]]);
    failing.on = false;
    await log.close();
    const rows = [...files.values()].flatMap((f) => frameToRows(f).map((r) => `${r.request_id}${r.row_index}`));
    expect(rows).toEqual(['a1', 'b0', 'b1', 'c0']);
  });
});
