/**
 * ingest with shaping (derive, filter) and lookback windows over daily partitions, against the
 * test MinIO: the objects each run fetches are recorded from the S3 client itself, so a test
 * fails if a partition outside the window is downloaded.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../activities/ml/dataset';
import { ingestData } from '../../activities/ml/ingest-data';
import { frameToRows } from '../../ml/frame/frame';
import { testContext, testStore } from './activity-env';

const store = testStore(`ingest-shaping-${Date.now()}`);
const ingest = ingestData(() => store);
const gets: string[] = [];
store.s3.middlewareStack.add(
  (next, context) => (args) => {
    if (context.commandName === 'GetObjectCommand') gets.push((args.input as { Key: string }).Key.slice(store.prefix.length));
    return next(args);
  },
  { step: 'initialize', name: 'countGets' },
);

async function put(key: string, body: string): Promise<void> {
  await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: `${store.prefix}${key}`, Body: Buffer.from(body) }));
}

/** The run of logical date `day` of a daily DAG: data interval [day, day + 1). */
const daily = (day: string) => {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
  return testContext({ ds: day, logicalDate: `${day}T00:00:00.000Z`, dataIntervalStart: `${day}T00:00:00.000Z`, dataIntervalEnd: next });
};

describe('ingest: derive and filter', () => {
  it('derives a boolean target and date parts, filters rows, and stores the shaped dataset with its types', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shaping-'));
    const file = join(dir, 'flights.csv');
    writeFileSync(
      file,
      'date,delay,distance,origin\n2001-01-01T08:00:00Z,20,300,JFK\n2001-01-02T17:00:00Z,-3,1200,SFO\n2001-01-03T09:00:00Z,,500,LAX\n2001-01-04T10:00:00Z,16,90,JFK\n',
    );
    const out = await ingest(
      {
        source: file,
        normalizeColumns: false,
        derive: { delayed: 'd.delay > 15', hour: 'op.utchours(d.date)', weekday: 'op.utcdayofweek(d.date)' },
        filter: ['d.delay != null', 'd.distance >= 100'],
      },
      testContext(),
    );
    expect(out.rows).toBe(2);
    expect(out.schema).toContainEqual({ name: 'delayed', type: 'boolean' });
    expect(out.shaping).toEqual({
      derived: [
        { name: 'delayed', type: 'boolean' },
        { name: 'hour', type: 'number' },
        { name: 'weekday', type: 'number' },
      ],
      filter: {
        rowsIn: 4,
        rowsOut: 2,
        removed: [
          { expression: 'd.delay != null', rows: 1 },
          { expression: 'd.distance >= 100', rows: 1 },
        ],
      },
    });
    const rows = frameToRows(await readDataset(store, out));
    expect(rows.map((r) => [r['origin'], r['delayed'], r['hour'], r['weekday']])).toEqual([
      ['JFK', true, 8, 1],
      ['SFO', false, 17, 2],
    ]);
  });

  it('a bad expression or a missing column fails non-retryably, naming the step and the expression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shaping-bad-'));
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'x\n1\n2\n');
    await expect(ingest({ source: file, normalizeColumns: false, derive: { y: 'd.nope * 2' } }, testContext())).rejects.toMatchObject({
      type: 'InvalidExpression',
      nonRetryable: true,
      message: expect.stringMatching(/derive\.y: expression 'd\.nope \* 2': column 'nope' does not exist \(columns: x\)/),
    });
    await expect(ingest({ source: file, normalizeColumns: false, filter: 'process.exit(1)' }, testContext())).rejects.toMatchObject({
      type: 'InvalidExpression',
      message: expect.stringMatching(/filter: expression 'process\.exit\(1\)': Invalid function call/),
    });
    await expect(ingest({ source: file, normalizeColumns: false, filter: 'd.x > 5' }, testContext())).rejects.toMatchObject({
      type: 'EmptyDataset',
      message: expect.stringMatching(/no rows after the filter \(2 rows before it\)/),
    });
  });
});

describe('ingest: lookback windows prune partitions before reading them', () => {
  it('Hive dt= folders on S3: only the partitions in each run window are fetched; two logical dates get their own windows', async () => {
    for (const day of ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06']) {
      await put(`lake/dt=${day}/part-0.csv`, `day,v\n${day},${day.slice(-1)}\n`);
      await put(`lake/dt=${day}/_SUCCESS`, '');
    }
    await put('lake/README.txt', 'not a partition');
    gets.length = 0;
    const a = await ingest(
      { source: `s3://${store.bucket}/${store.prefix}lake/`, normalizeColumns: false, window: { lookback: '3 days' } },
      daily('2024-01-04'),
    );
    // Run of 2024-01-04: interval [01-04, 01-05); window [01-02, 01-05).
    expect(a.window).toEqual({
      lookback: '3 days',
      start: '2024-01-02T00:00:00.000Z',
      end: '2024-01-05T00:00:00.000Z',
      partitions: ['2024-01-02', '2024-01-03', '2024-01-04'],
      skippedPartitions: 3,
    });
    expect(gets).toEqual(['lake/dt=2024-01-02/part-0.csv', 'lake/dt=2024-01-03/part-0.csv', 'lake/dt=2024-01-04/part-0.csv']);
    expect(frameToRows(await readDataset(store, a)).map((r) => r['v'])).toEqual([2, 3, 4]);

    gets.length = 0;
    const b = await ingest(
      { source: `s3://${store.bucket}/${store.prefix}lake/`, normalizeColumns: false, window: { lookback: '2 days' } },
      daily('2024-01-06'),
    );
    expect(b.window?.partitions).toEqual(['2024-01-05', '2024-01-06']);
    expect(gets).toEqual(['lake/dt=2024-01-05/part-0.csv', 'lake/dt=2024-01-06/part-0.csv']);
  });

  it('a {{ds}}-templated source on S3 and in a local folder: the template names the partitions; rows are cut to the window by the timestamp column', async () => {
    for (const day of ['2024-03-01', '2024-03-02', '2024-03-03']) {
      await put(`events/${day.replace(/-/g, '')}/data.csv`, `ts,v\n${day}T06:00:00Z,1\n${day}T18:00:00Z,2\n`);
    }
    gets.length = 0;
    const s3 = await ingest(
      {
        source: `s3://${store.bucket}/${store.prefix}events/{{ds_nodash}}/data.csv`,
        normalizeColumns: false,
        timestampColumn: 'ts',
        window: { lookback: '36 hours' },
      },
      daily('2024-03-02'),
    );
    // Window [03-01T12:00, 03-03T00:00): partitions 03-01 and 03-02 overlap it; 03-01's 06:00 row is cut.
    expect(gets).toEqual(['events/20240301/data.csv', 'events/20240302/data.csv']);
    expect(s3.window?.partitions).toEqual(['2024-03-01', '2024-03-02']);
    expect(s3.selection).toMatchObject({ start: '2024-03-01T12:00:00.000Z', end: '2024-03-03T00:00:00.000Z', rowsRead: 4, before: 1 });
    expect(s3.rows).toBe(3);

    const dir = mkdtempSync(join(tmpdir(), 'windows-'));
    for (const day of ['2024-03-01', '2024-03-02', '2024-03-03']) {
      mkdirSync(join(dir, `dt=${day}`));
      writeFileSync(join(dir, `dt=${day}`, 'a.csv'), `v\n${day.slice(-1)}\n`);
    }
    const local = await ingest(
      { source: `${dir}/dt={{ds}}/`, normalizeColumns: false, window: { lookback: '1 day' } },
      daily('2024-03-03'),
    );
    expect(local.files).toEqual([join(dir, 'dt=2024-03-03', 'a.csv')]);
    expect(local.window?.skippedPartitions).toBe(2);
  });

  it('no partition in the window, or nothing to select it by: clear non-retryable errors', async () => {
    await expect(
      ingest(
        { source: `s3://${store.bucket}/${store.prefix}lake/`, normalizeColumns: false, window: { lookback: '2 days' } },
        daily('2025-06-01'),
      ),
    ).rejects.toMatchObject({
      type: 'EmptyPartition',
      message: expect.stringMatching(/no partition of .* falls in the window \[2025-05-31/),
    });
    const dir = mkdtempSync(join(tmpdir(), 'plain-'));
    writeFileSync(join(dir, 'a.csv'), 'v\n1\n');
    await expect(
      ingest({ source: `${dir}/`, normalizeColumns: false, window: { lookback: '2 days' } }, daily('2024-01-01')),
    ).rejects.toMatchObject({
      type: 'InvalidWindow',
      message: expect.stringMatching(/has no daily partitions .* and no timestampColumn/),
    });
  });
});
