import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../activities/ml/dataset';
import { ingestData } from '../../activities/ml/ingest-data';
import { frameToRows } from '../../ml/frame/frame';
import { testContext, testStore } from './activity-env';
import { failure } from './bad-input-data';

const store = testStore(`ingest-test-${Date.now()}`);
const ingest = ingestData(() => store);

async function put(key: string, body: string): Promise<string> {
  await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: `${store.prefix}${key}`, Body: Buffer.from(body) }));
  return `s3://${store.bucket}/${store.prefix}${key}`;
}

describe('ingest', () => {
  it('stores the penguins dataset as a typed Arrow artifact with its row count and schema', async () => {
    const out = await ingest(
      { source: 'npm:vega-datasets/data/penguins.json', normalizeColumns: true, missingValues: ['.'] },
      testContext(),
    );
    expect(out.rows).toBe(344);
    expect(out.format).toBe('arrow');
    expect(out.uri).toMatch(/\/datasets\/ingested\.arrow$/);
    expect(out.schema).toContainEqual({ name: 'beak_length_mm', type: 'number' });
    expect(out.schema).toContainEqual({ name: 'species', type: 'string' });
    const frame = await readDataset(store, out);
    expect(frame.rows).toBe(344);
    // '.' became missing: sex has nulls
    const sex = frame.columns.find((c) => c.name === 'sex');
    expect(sex?.type === 'string' && sex.values.filter((v) => v === null).length).toBeGreaterThan(0);
  });

  it('reads the partition folder named by a {{ds}} key template, skipping markers', async () => {
    await put('events/dt=2024-01-02/part-0.csv', 'id,x\n1,0.5\n2,0.7\n');
    await put('events/dt=2024-01-02/part-1.csv', 'id,x,y\n3,0.1,a\n');
    await put('events/dt=2024-01-02/_SUCCESS', '');
    await put('events/dt=2024-01-03/part-0.csv', 'id,x\n9,9\n');
    const out = await ingest({ source: `s3://${store.bucket}/${store.prefix}events/dt={{ds}}/`, normalizeColumns: false }, testContext());
    expect(out.source).toBe(`s3://${store.bucket}/${store.prefix}events/dt=2024-01-02/`);
    expect(out.files).toHaveLength(2);
    const rows = frameToRows(await readDataset(store, out));
    expect(rows).toEqual([
      { id: 1, x: 0.5, y: null },
      { id: 2, x: 0.7, y: null },
      { id: 3, x: 0.1, y: 'a' },
    ]);
  });

  it('keeps only rows inside the run data interval [start, end)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
    const file = join(dir, 'events.csv');
    writeFileSync(file, 'ts,v\n2024-01-01T23:59:59Z,1\n2024-01-02T00:00:00Z,2\n2024-01-02T23:59:59Z,3\n2024-01-03T00:00:00Z,4\n,5\n');
    const out = await ingest({ source: file, normalizeColumns: false, timestampColumn: 'ts' }, testContext());
    expect(frameToRows(await readDataset(store, out)).map((r) => r['v'])).toEqual([2, 3]);
    expect(out.selection).toEqual({
      column: 'ts',
      start: '2024-01-02T00:00:00.000Z',
      end: '2024-01-03T00:00:00.000Z',
      rowsRead: 5,
      before: 1,
      after: 1,
      missingTimestamp: 1,
    });
  });

  it('bad input: an empty partition, an empty interval, an unknown placeholder, a non-timestamp column, a malformed file', async () => {
    const ctx = testContext();
    const empty = mkdtempSync(join(tmpdir(), 'ingest-empty-'));
    expect(await failure(ingest({ source: `${empty}/`, normalizeColumns: false }, ctx))).toMatchObject({
      type: 'EmptyPartition',
      nonRetryable: true,
    });
    await expect(
      ingest({ source: `s3://${store.bucket}/${store.prefix}events/dt=1999-01-01/`, normalizeColumns: false }, ctx),
    ).rejects.toThrow(/partition s3:\/\/.*dt=1999-01-01\/ is empty/);
    const dir = mkdtempSync(join(tmpdir(), 'ingest-bad-'));
    mkdirSync(join(dir, 'sub'));
    const file = join(dir, 'e.csv');
    writeFileSync(file, 'ts,v\n2020-01-01,1\n');
    await expect(ingest({ source: file, normalizeColumns: false, timestampColumn: 'ts' }, ctx)).rejects.toThrow(
      "has no rows in [2024-01-02T00:00:00.000Z, 2024-01-03T00:00:00.000Z) by 'ts' (1 rows read)",
    );
    await expect(ingest({ source: file, normalizeColumns: false, timestampColumn: 'v' }, ctx)).rejects.toThrow(
      "timestamp column 'v' holds number values",
    );
    await expect(ingest({ source: file, normalizeColumns: false, timestampColumn: 'nope' }, ctx)).rejects.toThrow(
      "column 'nope' does not exist (columns: ts, v)",
    );
    await expect(ingest({ source: 'data/{{dss}}.csv', normalizeColumns: false }, ctx)).rejects.toThrow(
      'source: unknown placeholder {{dss}}',
    );
    const manual = testContext({ dataIntervalStart: '2024-01-02T00:00:00.000Z', dataIntervalEnd: '2024-01-02T00:00:00.000Z' });
    await expect(ingest({ source: file, normalizeColumns: false, timestampColumn: 'ts' }, manual)).rejects.toThrow(
      'is empty: a manual run',
    );
    writeFileSync(join(dir, 'bad.parquet'), 'not parquet');
    await expect(ingest({ source: join(dir, 'bad.parquet'), normalizeColumns: false }, ctx)).rejects.toMatchObject({
      type: 'UnparsableSource',
    });
  });
});
