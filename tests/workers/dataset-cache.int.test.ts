/**
 * The per-worker dataset cache on the real MinIO: a second read is served from memory, the
 * cached frame is read-only (frozen, numeric columns shared) and no ML step writes into it
 * (checksummed before and after every step, in process and in a worker thread), a deleted or
 * replaced artifact is still reported as missing / corrupted, and the cache stays within its
 * byte budget, least recently used out first.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readDataset, readDatasetUncached, writeDataset, type DatasetRef } from '../../activities/ml/dataset';
import { datasetCache, datasetCacheBytesFromEnv, DatasetCache, frameBytes } from '../../activities/ml/dataset-cache';
import { evaluateModel } from '../../activities/ml/evaluate-model';
import { trainModel } from '../../activities/ml/train-model';
import { tuneTrial } from '../../activities/ml/tune-trial';
import { validateData } from '../../activities/ml/validate-data';
import type { Frame } from '../../ml/frame/frame';
import { testContext, testStore } from '../ml/activity-env';
import { syntheticFrame } from './synthetic';
import { syntheticTrainingInputs } from './synthetic-training';

const store = testStore(`dataset-cache-${Date.now()}`);
const keyOf = (uri: string): string => uri.replace(`s3://${store.bucket}/`, '');
const write = (name: string, frame: Frame): Promise<DatasetRef> => writeDataset(store, `${store.prefix}${name}.arrow`, frame);

function digest(frame: Frame): string {
  const h = createHash('sha256');
  for (const c of frame.columns) {
    h.update(c.name);
    if (c.type === 'string') h.update(JSON.stringify(c.values));
    else h.update(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
  }
  return h.digest('hex');
}

async function failureOf(p: Promise<unknown>): Promise<{ type?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { type: (err as { type?: string }).type, message: (err as Error).message };
  }
  throw new Error('expected a failure');
}

describe('dataset cache', () => {
  it('serves the second read from memory, as a frozen frame on shared memory', async () => {
    const ref = await write('small', syntheticFrame(500, 3));
    const before = datasetCache().stats();
    const a = await readDataset(store, ref);
    const b = await readDataset(store, ref);
    expect(b).toBe(a);
    const after = datasetCache().stats();
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses - before.misses).toBe(1);
    expect(Object.isFrozen(a) && Object.isFrozen(a.columns)).toBe(true);
    const num = a.columns.find((c) => c.type === 'number');
    const str = a.columns.find((c) => c.type === 'string');
    expect(num && num.type !== 'string' && num.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Object.isFrozen(str?.values)).toBe(true);
    expect(() => (a.columns as unknown[]).push({})).toThrow(TypeError);
  });

  it('no step of the pipeline writes into a cached frame (validate, split, tune and train in threads, evaluate)', async () => {
    const ref = await write('mutation', syntheticFrame(3000, 4));
    const frame = await readDataset(store, ref);
    const sum = digest(frame);
    const ctx = testContext();
    const s = () => store;
    await validateData(s)({ dataset: ref, schema: { columns: {}, newColumns: 'ignore' }, previousRowCount: null }, ctx);
    const common = await syntheticTrainingInputs(store, ref, { strategy: 'stratified', testFraction: 0.25 }, ctx);
    const trial = await tuneTrial(s)({ ...common, trial: { index: 0, kind: 'gbt', hyperparams: { maxIter: 5 } }, folds: 2 }, ctx);
    const trained = await trainModel(s)({ ...common, trials: [trial], modelName: 'cache-test' }, ctx);
    await evaluateModel(s)({ model: trained.model, dataset: ref, split: common.split, championAlias: null }, ctx);
    expect(await readDataset(store, ref)).toBe(frame);
    expect(digest(frame)).toBe(sum);
  });

  it('a deleted or replaced artifact is still reported as missing / corrupted after it was cached', async () => {
    const ref = await write('vanishing', syntheticFrame(200, 5));
    await readDataset(store, ref);
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: keyOf(ref.uri) }));
    const missing = await failureOf(readDataset(store, ref));
    expect(missing.type).toBe('MissingArtifact');
    expect(missing.message).toContain(ref.uri);

    const ref2 = await write('replaced', syntheticFrame(200, 6));
    await readDataset(store, ref2);
    const other = await write('other', syntheticFrame(200, 7));
    const got = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: keyOf(other.uri) }));
    const otherBytes = await got.Body?.transformToByteArray();
    await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: keyOf(ref2.uri), Body: otherBytes }));
    const corrupted = await failureOf(readDataset(store, ref2));
    expect(corrupted.type).toBe('InvalidArtifact');
    expect(corrupted.message).toContain('corrupted');
  });

  it('keeps within its byte budget, least recently used out first', async () => {
    const refs = await Promise.all([1, 2, 3].map((i) => write(`lru-${i}`, syntheticFrame(1000, 10 + i))));
    const one = frameBytes(await readDatasetUncached(store, refs[0] as DatasetRef));
    const cache = new DatasetCache(Math.floor(one * 2.5));
    const read = (r: DatasetRef) => cache.read(store, r, () => readDatasetUncached(store, r));
    const [r1, r2, r3] = refs as [DatasetRef, DatasetRef, DatasetRef];
    await read(r1);
    await read(r2);
    await read(r1); // r1 is now the most recent: r2 goes first
    await read(r3);
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 1, misses: 3 });
    expect(cache.stats().bytes).toBeLessThanOrEqual(cache.maxBytes);
    await read(r1);
    expect(cache.stats().hits).toBe(2);
    await read(r2);
    expect(cache.stats().misses).toBe(4);
    const off = new DatasetCache(0);
    const a = await off.read(store, r1, () => readDatasetUncached(store, r1));
    expect(await off.read(store, r1, () => readDatasetUncached(store, r1))).not.toBe(a);
  });

  it('concurrent reads of one dataset (a tune fan-out starting) download and decode it once', async () => {
    const ref = await write('together', syntheticFrame(2000, 21));
    const cache = new DatasetCache(64 * 1024 * 1024);
    let loads = 0;
    const read = () =>
      cache.read(store, ref, () => {
        loads++;
        return readDatasetUncached(store, ref);
      });
    const frames = await Promise.all([read(), read(), read(), read()]);
    expect(loads).toBe(1);
    expect(new Set(frames).size).toBe(1);
  });

  it('TIDEFLOW_DATASET_CACHE_MB: default 1024 MiB, 0 disables, a bad value is refused naming it', () => {
    expect(datasetCacheBytesFromEnv({})).toBe(1024 * 1024 * 1024);
    expect(datasetCacheBytesFromEnv({ TIDEFLOW_DATASET_CACHE_MB: '0' })).toBe(0);
    expect(datasetCacheBytesFromEnv({ TIDEFLOW_DATASET_CACHE_MB: '1.5' })).toBe(1.5 * 1024 * 1024);
    expect(() => datasetCacheBytesFromEnv({ TIDEFLOW_DATASET_CACHE_MB: 'lots' })).toThrow(/TIDEFLOW_DATASET_CACHE_MB/);
  });
});
