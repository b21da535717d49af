/**
 * The O(rows) steps around training run as offloaded jobs (issue 11, part 1): a dataset's Arrow
 * decoding, a split's parsing, the split itself. In a thread they answer exactly what they
 * answer in-process; the decoded frame comes back read-only with its numeric columns on shared
 * memory and its string columns already encoded for the next job; our errors cross the thread
 * as non-retryable failures of their type; and a job under OFFLOAD_MIN_ROWS rows runs in-process.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { encodeFrame } from '../../activities/ml/offload/frame-transfer';
import { frameBytes, receiveReadOnly } from '../../activities/ml/offload/read-only-frame';
import { OFFLOAD_MIN_ROWS, runInThread } from '../../activities/ml/offload/runner';
import { frameFromArrow, frameToArrow } from '../../ml/io/arrow';
import type { Frame } from '../../ml/frame/frame';
import { syntheticFrame } from './synthetic';

/** How our error classes come back from a thread: a non-retryable failure of their type. */
const isNonRetryable = (e: unknown, type: string): e is Error =>
  e instanceof ApplicationFailure && e.nonRetryable === true && e.type === type;
const threadCount = (): number => readdirSync('/proc/self/task').length;
const ROWS = OFFLOAD_MIN_ROWS + 10;
const big = syntheticFrame(ROWS, 3);
const uri = 's3://b/big.arrow';

const splitJson = (train: number[], test: number[], dataset = uri): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify({ format: 'tideflow.split', version: 2, dataset, strategy: 'random', seed: 1, testFraction: 0.5, train, test }),
  );

describe('offloaded data jobs', () => {
  it('decodes a large dataset in a thread: the same frame, read-only, numeric columns shared, strings encoded once', async () => {
    const bytes = frameToArrow(big);
    const sent = await runInThread('decodeDataset', { bytes, uri, rows: ROWS }, { rows: ROWS });
    const frame = await receiveReadOnly(sent);
    expect(frame).toEqual(frameFromArrow(bytes));
    expect(Object.isFrozen(frame)).toBe(true);
    for (const col of frame.columns) {
      expect(Object.isFrozen(col)).toBe(true);
      if (col.type !== 'string') expect(col.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    // Its size estimate came computed from the thread, and is what this thread would compute.
    expect(frameBytes(frame)).toBe(sent.heapBytes);
    expect(frameBytes({ rows: frame.rows, columns: [...frame.columns] })).toBe(sent.heapBytes);
    // The encoding the thread sent is what the next job sends: no second pass on this event loop.
    const region = encodeFrame(frame).columns[8] as { codes: Int32Array };
    expect(region.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(encodeFrame(frame).columns[8]).toBe(region);
  });

  it('a dataset that is not Arrow, or has other rows than its reference, is a non-retryable InvalidArtifact from the thread too', async () => {
    const junk = new Uint8Array(ROWS).fill(7);
    await expect(runInThread('decodeDataset', { bytes: junk, uri, rows: ROWS }, { rows: ROWS })).rejects.toSatisfy(
      (e) => isNonRetryable(e, 'InvalidArtifact') && /big.arrow is not a readable Arrow file/.test(e.message),
    );
    const bytes = frameToArrow(big);
    await expect(runInThread('decodeDataset', { bytes, uri, rows: ROWS + 1 }, { rows: ROWS + 1 })).rejects.toSatisfy(
      (e) => isNonRetryable(e, 'InvalidArtifact') && e.message.includes(`has ${ROWS} rows, its reference says ${ROWS + 1}`),
    );
  });

  it('parses a split into row indices, refusing one made for another dataset or naming missing rows', async () => {
    const train = Array.from({ length: ROWS / 2 }, (_, i) => 2 * i);
    const test = train.map((i) => i + 1);
    const dataset = { uri, rows: ROWS };
    const out = await runInThread('parseSplitRows', { bytes: splitJson(train, test), uri: 's3://b/split.json', dataset }, { rows: ROWS });
    expect(out.train).toBeInstanceOf(Int32Array);
    expect(Array.from(out.train)).toEqual(train);
    expect(Array.from(out.test)).toEqual(test);
    const other = splitJson(train, test, 's3://b/other.arrow');
    await expect(runInThread('parseSplitRows', { bytes: other, uri: 's3://b/split.json', dataset }, { rows: ROWS })).rejects.toMatchObject({
      type: 'InvalidArtifact',
      message: expect.stringContaining('was made for s3://b/other.arrow'),
    });
    const beyond = splitJson([0, ROWS + 5], [1]);
    await expect(runInThread('parseSplitRows', { bytes: beyond, uri: 's3://b/split.json', dataset }, { rows: ROWS })).rejects.toMatchObject(
      {
        message: expect.stringContaining(`names row ${ROWS + 5}; the dataset has ${ROWS}`),
      },
    );
  });

  it('splits in a thread: bad input stays a non-retryable failure of its type', async () => {
    const one: Frame = { rows: ROWS, columns: [{ name: 'y', type: 'string', values: new Array<string>(ROWS).fill('a') }] };
    const input = { frame: one, dataset: uri, target: 'y', task: 'auto' as const, strategy: 'random' as const, testFraction: 0.2, seed: 1 };
    await expect(runInThread('splitDataset', input, { rows: ROWS })).rejects.toSatisfy(
      (e) => isNonRetryable(e, 'TooFewClasses') && /single class 'a'/.test(e.message),
    );
  });

  it('runs a job of fewer than OFFLOAD_MIN_ROWS rows in-process (no thread to start)', async () => {
    const before = threadCount();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, threadCount())), 1);
    const small = syntheticFrame(100, 1);
    const out = await runInThread(
      'splitDataset',
      {
        frame: small,
        dataset: uri,
        target: 'label',
        task: 'auto',
        strategy: 'stratified',
        testFraction: 0.25,
        seed: 1,
      },
      { rows: small.rows },
    );
    clearInterval(timer);
    expect(out.trainRows + out.testRows).toBe(100);
    expect(peak).toBe(before);
  });
});
