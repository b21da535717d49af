/**
 * Frames crossing to a worker thread: string columns travel dictionary-encoded (codes on shared
 * memory, encoded once per cached column), come out identical in the thread, nulls included; a
 * column of mostly distinct values travels as it is.
 */
import { describe, expect, it } from 'vitest';
import { readOnlyFrame } from '../../activities/ml/dataset-cache';
import { decodeFrame, encodeFrame } from '../../activities/ml/offload/frame-transfer';
import { runInThread } from '../../activities/ml/offload/runner';
import type { Frame } from '../../ml/frame/frame';

const frame: Frame = {
  rows: 5,
  columns: [
    { name: 'x', type: 'number', values: Float64Array.from([1, NaN, 3, 4, 5]) },
    { name: 'city', type: 'string', values: ['Paris', null, 'Oslo', 'Paris', 'Oslo'] },
    { name: 'when', type: 'timestamp', values: Float64Array.from([0, 1, 2, 3, 4]) },
  ],
};

describe('frame transfer', () => {
  it('encodes string columns as a dictionary and shared codes, and decodes them back', () => {
    const t = encodeFrame(frame);
    const city = t.columns[1] as { dictionary: string[]; codes: Int32Array };
    expect(city.dictionary).toEqual(['Paris', 'Oslo']);
    expect(Array.from(city.codes)).toEqual([0, -1, 1, 0, 1]);
    expect(city.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(decodeFrame(structuredClone(t))).toEqual(frame);
  });

  it('encodes a cached (frozen) column once, and sends a mostly distinct column as it is', () => {
    const cached = readOnlyFrame(frame);
    expect(encodeFrame(cached).columns[1]).toBe(encodeFrame(cached).columns[1]);
    const ids = Array.from({ length: 5000 }, (_, i) => `id-${i}`);
    const distinct: Frame = { rows: 5000, columns: [{ name: 'id', type: 'string', values: ids }] };
    expect(encodeFrame(distinct).columns[0]).toBe(distinct.columns[0]);
  });

  it('a frame reaches the thread intact', async () => {
    const seen = await runInThread('echoFrame', { frame: readOnlyFrame(frame) });
    expect(seen.rows).toBe(5);
    expect(seen.columns.map((c) => c.values)).toEqual([
      [1, NaN, 3, 4, 5],
      ['Paris', null, 'Oslo', 'Paris', 'Oslo'],
      [0, 1, 2, 3, 4],
    ]);
  });
});
