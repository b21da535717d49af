/**
 * Bad input to the ingest and validate steps (issue 4, "Bad input"), one activity at a time on the
 * real MinIO: malformed CSV, wrong types, an empty partition or selection, an all-null column.
 * Each must fail at once — an ApplicationFailure of a specific type, non-retryable — or produce a
 * specific anomaly, and the message must name the column or the file. Data: small synthetic CSVs
 * (./bad-input-data.ts). A single-class target and a missing or replaced dataset artifact:
 * ./bad-input-split.int.test.ts; bad input past ingest: ./bad-input-training.int.test.ts; the
 * DAG-level view (no retries, no hang, registry unchanged) is ./bad-input.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../activities/ml/validate-data';
import { getArtifact } from '../../activities/ml/store';
import { testContext } from './activity-env';
import { badInputSteps, failure, localFile } from './bad-input-data';

const { store, validate, s3uri, put, ingestFile } = badInputSteps('bad-input');

describe('malformed CSV: ingest fails non-retryably, naming the file and the line', () => {
  it('a quote that is never closed', async () => {
    const file = localFile('unclosed.csv', 'id,name,v\n1,"ok",2\n2,"broken,3\n3,x,4\n');
    const err = await failure(ingestFile(file));
    expect(err).toMatchObject({ type: 'UnparsableSource', nonRetryable: true });
    expect(err.message).toBe(`cannot parse ${file} as csv: line 3: field 2 opens a quote that is never closed`);
  });

  it('a row with too many fields, and one with too few', async () => {
    const many = localFile('many.csv', 'a,b,c\n1,2,3\n4,5,6,7\n');
    expect(await failure(ingestFile(many))).toMatchObject({
      type: 'UnparsableSource',
      nonRetryable: true,
      message: `cannot parse ${many} as csv: line 3: 4 fields, but the header (line 1) has 3: a, b, c`,
    });
    const few = localFile('few.csv', 'a,b,c\n1,2,3\n\n4,5\n');
    expect((await failure(ingestFile(few))).message).toBe(
      `cannot parse ${few} as csv: line 4: 2 fields, but the header (line 1) has 3: a, b, c`,
    );
  });

  it('text after a closing quote, an empty file, bytes that are not UTF-8', async () => {
    const after = localFile('after.csv', 'a,b\n"x"y,1\n');
    expect((await failure(ingestFile(after))).message).toBe(
      `cannot parse ${after} as csv: line 2: unexpected "y" after the closing quote of field 1 (a quote inside a quoted field is written "")`,
    );
    const empty = localFile('empty.csv', '');
    expect(await failure(ingestFile(empty))).toMatchObject({
      type: 'UnparsableSource',
      nonRetryable: true,
      message: `cannot parse ${empty} as csv: line 1: the file is empty: there is no header line`,
    });
    const latin1 = localFile('latin1.csv', Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    expect(await failure(ingestFile(latin1))).toMatchObject({
      type: 'UnparsableSource',
      nonRetryable: true,
      message: expect.stringContaining(`cannot parse ${latin1} as csv: `),
    });
  });

  it('in a partition folder: the bad file is named by its s3:// uri', async () => {
    await put('malformed/dt=2024-01-02/part-0.csv', 'a,b\n1,2\n');
    const bad = await put('malformed/dt=2024-01-02/part-1.csv', 'a,b\n3,4\n5,"6\n');
    const err = await failure(ingestFile(s3uri('malformed/dt={{ds}}/')));
    expect(err).toMatchObject({
      type: 'UnparsableSource',
      nonRetryable: true,
      message: `cannot parse ${bad} as csv: line 3: field 2 opens a quote that is never closed`,
    });
  });

  it('an s3:// source in a bucket that does not exist is not retried', async () => {
    const err = await failure(ingestFile('s3://tideflow-no-such-bucket-4f2a/data.csv'));
    expect(err).toMatchObject({ type: 'SourceNotFound', nonRetryable: true });
    expect(err.message).toBe("no bucket 'tideflow-no-such-bucket-4f2a' for s3://tideflow-no-such-bucket-4f2a/data.csv");
    expect(await failure(ingestFile('s3://tideflow-no-such-bucket-4f2a/dt={{ds}}/'))).toMatchObject({
      type: 'SourceNotFound',
      nonRetryable: true,
      message: "cannot list the folder s3://tideflow-no-such-bucket-4f2a/dt=2024-01-02/: no bucket 'tideflow-no-such-bucket-4f2a'",
    });
  });
});

describe('wrong types: a type_mismatch anomaly naming the column, with examples', () => {
  it('text in a column declared number; booleans in a column declared number', async () => {
    const csv = 'price,flag,kind\n1.5,true,a\n2,false,b\nabc,true,a\n3,true,b\nn/a?,false,a\n';
    const data = await ingestFile(localFile('types.csv', csv));
    expect(data.schema).toEqual([
      { name: 'price', type: 'string' },
      { name: 'flag', type: 'boolean' },
      { name: 'kind', type: 'string' },
    ]);
    const err = await failure(
      validate(
        { dataset: data, schema: { columns: { price: { type: 'number' }, flag: { type: 'number' }, kind: { type: 'string' } } } },
        testContext(),
      ),
    );
    expect(err).toMatchObject({ type: 'DataValidationFailed', nonRetryable: true });
    expect(err.message).toContain(
      "column 'price' is declared number but holds text: 2 of 5 (40%) values are not numbers, e.g. 'abc', 'n/a?'",
    );
    expect(err.message).toContain("column 'flag' is declared number but holds booleans, e.g. true, false");
    const [details] = err.details as [
      { anomalies: { column: string; kind: string; details: { examples: unknown[] } }[]; report: { uri: string } },
    ];
    expect(details.anomalies.map((a) => [a.column, a.kind])).toEqual([
      ['price', 'type_mismatch'],
      ['flag', 'type_mismatch'],
    ]);
    expect(details.anomalies[0]?.details.examples).toEqual(['abc', 'n/a?']);
    // The report artifact was written before the task failed, with the same anomalies.
    const report = (await getArtifact(store, details.report as never)) as ValidationReport;
    expect(report.anomalies.filter((a) => a.kind === 'type_mismatch').map((a) => a.column)).toEqual(['price', 'flag']);
  });
});

describe('an empty partition or an empty selection: ingest fails naming the folder or the source', () => {
  it('a {{ds}} folder with no data files (only a _SUCCESS marker), and one that does not exist', async () => {
    await put('empty/dt=2024-01-02/_SUCCESS', '');
    await put('empty/dt=2024-01-03/part-0.csv', 'a\n1\n');
    const err = await failure(ingestFile(s3uri('empty/dt={{ds}}/')));
    expect(err).toMatchObject({
      type: 'EmptyPartition',
      nonRetryable: true,
      message: `partition ${s3uri('empty/dt=2024-01-02/')} is empty: no data files under it`,
    });
    const hidden = localFile('p1/dt=2024-01-02/.keep', '').replace(/\/dt=.*$/, '');
    expect(await failure(ingestFile(`${hidden}/dt={{ds}}/`))).toMatchObject({
      type: 'EmptyPartition',
      nonRetryable: true,
      message: `partition ${hidden}/dt=2024-01-02/ is empty: no data files under it`,
    });
    const absent = localFile('p2/dt=2024-01-01/.keep', '').replace(/\/dt=.*$/, '');
    expect(await failure(ingestFile(`${absent}/dt={{ds}}/`))).toMatchObject({
      type: 'EmptyPartition',
      nonRetryable: true,
      message: `partition ${absent}/dt=2024-01-02 does not exist`,
    });
  });

  it('a folder whose files hold only a header; a timestamp filter that selects no row', async () => {
    await put('headers/dt=2024-01-02/part-0.csv', 'ts,v\n');
    await put('headers/dt=2024-01-02/part-1.csv', 'ts,v\n');
    expect(await failure(ingestFile(s3uri('headers/dt={{ds}}/')))).toMatchObject({
      type: 'EmptyDataset',
      nonRetryable: true,
      message: `${s3uri('headers/dt=2024-01-02/')} has no rows`,
    });
    const file = localFile('old.csv', 'ts,v\n2023-12-31T10:00:00Z,1\n2024-01-05T00:00:00Z,2\n,3\n');
    const err = await failure(ingestFile(file, { timestampColumn: 'ts' }));
    expect(err).toMatchObject({ type: 'EmptyDataset', nonRetryable: true });
    expect(err.message).toBe(`${file} has no rows in [2024-01-02T00:00:00.000Z, 2024-01-03T00:00:00.000Z) by 'ts' (3 rows read)`);
  });
});

describe('an all-null column: an all_missing anomaly naming it', () => {
  it('blank and NA cells only; a warning when the schema allows it (maxMissingFraction 1)', async () => {
    const data = await ingestFile(localFile('nulls.csv', 'id,weight,label\n1,,A\n2,NA,B\n3,,A\n4, ,B\n'), { missingValues: ['NA'] });
    const schema = {
      columns: { id: { type: 'number' as const }, weight: { type: 'number' as const }, label: { type: 'string' as const } },
    };
    const err = await failure(validate({ dataset: data, schema }, testContext()));
    expect(err).toMatchObject({ type: 'DataValidationFailed', nonRetryable: true });
    expect(err.message).toContain("column 'weight' has no value: all 4 rows are missing (null, blank or a missing-value token)");
    expect((err.details as [{ anomalies: { column: string; kind: string }[] }])[0].anomalies).toEqual([
      expect.objectContaining({ column: 'weight', kind: 'all_missing', severity: 'error' }),
    ]);
    const allowed = await validate(
      { dataset: data, schema: { columns: { ...schema.columns, weight: { type: 'number', maxMissingFraction: 1 } } } },
      testContext(),
    );
    expect(allowed.anomalies).toEqual([expect.objectContaining({ column: 'weight', kind: 'all_missing', severity: 'warning' })]);
  });

  it('NaN cells only (missing in a number column): all_missing too, not a type mismatch', async () => {
    const data = await ingestFile(localFile('nans.csv', 'id,score\n1,NaN\n2,nan\n3,\n'));
    expect(data.schema).toContainEqual({ name: 'score', type: 'string' });
    const err = await failure(
      validate({ dataset: data, schema: { columns: { id: { type: 'number' }, score: { type: 'number' } } } }, testContext()),
    );
    expect((err.details as [{ anomalies: unknown[] }])[0].anomalies).toEqual([
      expect.objectContaining({
        column: 'score',
        kind: 'all_missing',
        message: "column 'score' has no value: all 3 rows are missing (null, blank or a missing-value token)",
      }),
    ]);
  });
});
