/**
 * The prediction log's buffering around its column batches (serve/prediction-log.ts) with an
 * in-memory S3: every row lands in exactly one file of its model version and day; a batch is
 * written at maxRows or after maxDelayMs, and on close; a failed write keeps its rows for the next
 * flush, and past maxBufferedRows the oldest rows are dropped and counted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameToRows, type Frame } from '../../ml/frame/frame';
import { frameFromArrow } from '../../ml/io/arrow';
import type { ArtifactStore } from '../../registry';
import { PredictionLog } from '../../serve/prediction-log';
import { classifier, inputs, scores } from './log-batch-fixtures';

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
