/**
 * The validateData activity against the real MinIO of the global setup: a dataset artifact goes
 * in (written as ingest writes it: CSV → Frame → Arrow), the report artifact comes out; blocking
 * anomalies fail the task non-retryably AFTER the report is written; 'auto' compares the row count
 * with the previous successful run of the same DAG task and never with the same workflow.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { failure } from './bad-input-data';
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../activities/context';
import { writeDataset, type DatasetRef } from '../../activities/ml/dataset';
import { parseSourceFrame } from '../../ml/io/parse';
import type { DataSchemaInput } from '../../ml/validation';
import { getArtifact, runArtifactKey, type ArtifactStore } from '../../activities/ml/store';
import type { ArtifactRef } from '../../activities/ml/types';
import { validateData, validationReport, type ValidateDataInput } from '../../activities/ml/validate-data';
import { rowCountPointerKey } from '../../activities/ml/row-count-pointer';
import { testStore } from '../artifacts/store-helper';
import { testContext } from './activity-env';

const store: ArtifactStore = testStore('validate-data');
const validate = validateData(() => store);
const logs: string[] = [];

const ctxFor = (workflowId: string, dagId = 'vd_dag'): TaskContext =>
  testContext({
    dagId,
    taskId: 'validate',
    workflowId,
    runId: `temporal-${workflowId}`,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    store,
  });

/** A dataset artifact from CSV text, as ingest makes one. */
async function dataset(name: string, text: string): Promise<DatasetRef> {
  const frame = await parseSourceFrame(new TextEncoder().encode(text), 'csv', { normalizeColumns: true, missingValues: ['NA'] });
  return writeDataset(store, `${store.prefix}datasets/${name}.arrow`, frame);
}

const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

const schema: DataSchemaInput = {
  columns: {
    id: { type: 'number', unique: true },
    amount: { type: 'number', min: 0, maxMissingFraction: 0.2 },
    kind: { type: 'string', categories: ['a', 'b'] },
  },
  minRows: 5,
  maxRowCountChange: 0.5,
};

async function pointer(ctx: TaskContext): Promise<unknown> {
  try {
    const res = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: rowCountPointerKey(store, ctx) }));
    return JSON.parse((await res.Body?.transformToString()) ?? 'null');
  } catch (err) {
    if (err instanceof NoSuchKey) return null;
    throw err;
  }
}

describe('validateData activity', () => {
  it('passes a good dataset: small output with warnings only, the report artifact, the row-count pointer', async () => {
    const ds = await dataset('good', `Id,Amount,Kind,Extra\n${rows(20, (i) => `${i},${i * 1.5},${i % 2 ? 'a' : 'b'},x`)}\n`);
    const ctx = ctxFor('run-good');
    const out = await validate({ dataset: ds, schema, previousRowCount: 'auto' }, ctx);
    expect(out).toMatchObject({ dataset: ds, rows: 20, blocking: 0, anomalyCount: 1, previousRowCount: null });
    expect(out.anomalies).toEqual([expect.objectContaining({ column: 'extra', kind: 'new_column', severity: 'warning' })]);
    expect(out.columns).toEqual([
      { name: 'id', type: 'number', missingFraction: 0, unique: 20 },
      { name: 'amount', type: 'number', missingFraction: 0, unique: 20 },
      { name: 'kind', type: 'string', missingFraction: 0, unique: 2 },
      { name: 'extra', type: 'string', missingFraction: 0, unique: 1 },
    ]);
    expect(out.report.uri).toBe(`s3://${store.bucket}/${runArtifactKey(store, ctx, 'validation/report.json')}`);
    // The stored report passes its declared format (validationReport, activities/ml/validate-data.ts).
    const report = validationReport.parse(await getArtifact(store, out.report), out.report.uri);
    expect(report).toMatchObject({ format: 'tideflow.validation', version: 1, dataset: { uri: ds.uri, rows: 20 }, previousRowCount: null });
    expect(report.schema.columns['id']).toMatchObject({ type: 'number', unique: true, required: true });
    expect(report.statistics.columns[1]).toMatchObject({ name: 'amount', count: 20, mean: 14.25, min: 0, max: 28.5 });
    expect(report.anomalies).toHaveLength(1);
    expect(await pointer(ctx)).toEqual({
      format: 'tideflow.row-count-pointer',
      version: 1,
      rows: 20,
      workflowId: 'run-good',
      logicalDate: ctx.logicalDate,
      dataset: ds.uri,
    });
    expect(logs.at(-1)).toContain("column 'extra' (string) is not declared in the schema");
  });

  it('fails on blocking anomalies, non-retryable, after writing the report; the pointer stays', async () => {
    const ctx = ctxFor('run-bad');
    const before = await pointer(ctx);
    const ds = await dataset('bad', `id,amount,kind\n${rows(8, (i) => `${i},${i},a`)}\n8,oops,c\n8,inf,a\n`);
    const err = await failure(validate({ dataset: ds, schema }, ctx));
    expect(err.type).toBe('DataValidationFailed');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toMatch(/^data validation: 3 blocking anomalies, 0 warnings\n/);
    expect(err.message).toContain("column 'amount' is declared number but holds text: 1 of 10 (10%) values are not numbers, e.g. 'oops'");
    expect(err.message).toContain("column 'id' must be unique, but 1 value occurs more than once (1 extra row), e.g. 8 (2×)");
    expect(err.message).toContain("column 'kind' has 1 of 10 (10%) values outside its 2 categories (allowed 0%): 'c' (1×)");
    const details = err.details?.[0] as { anomalies: { column: string; kind: string }[]; blocking: number; report: ArtifactRef };
    expect(details.blocking).toBe(3);
    expect(details.anomalies.map((a) => [a.column, a.kind])).toEqual([
      ['id', 'not_unique'],
      ['amount', 'type_mismatch'],
      ['kind', 'out_of_domain'],
    ]);
    expect(err.message).toContain(`report: ${details.report.uri}`);
    const report = validationReport.parse(await getArtifact(store, details.report), details.report.uri);
    expect(report.anomalies.map((a) => a.kind)).toEqual(['not_unique', 'type_mismatch', 'out_of_domain']);
    expect(await pointer(ctx)).toEqual(before);
  });

  it("'auto' compares with the previous successful run of the same DAG task, never with its own workflow", async () => {
    const dag = 'vd_auto';
    const first = await dataset('auto-1', `id,amount,kind\n${rows(100, (i) => `${i},1,a`)}\n`);
    const shrunk = await dataset('auto-2', `id,amount,kind\n${rows(30, (i) => `${i},1,a`)}\n`);
    const input = (d: DatasetRef): ValidateDataInput => ({ dataset: d, schema, previousRowCount: 'auto' });
    expect((await validate(input(first), ctxFor('w1', dag))).previousRowCount).toBeNull();
    const err = await failure(validate(input(shrunk), ctxFor('w2', dag)));
    expect(err.message).toContain("the dataset has 30 rows, 70% fewer than the previous run's 100 (allowed change ±50%)");
    // w1 again (a retry of the run that wrote the pointer) does not compare with itself.
    expect(await validate(input(shrunk), ctxFor('w1', dag))).toMatchObject({ rows: 30, previousRowCount: null });
    // An explicit count wins; null turns the check off.
    expect((await validate({ ...input(first), previousRowCount: 90 }, ctxFor('w3', dag))).previousRowCount).toBe(90);
    expect((await validate({ ...input(shrunk), previousRowCount: null }, ctxFor('w4', dag))).previousRowCount).toBeNull();
  });

  it("'auto' reads a pointer written before its format was declared, and ignores an unreadable one", async () => {
    const dag = 'vd_legacy';
    const ds = await dataset('legacy', `id,amount,kind\n${rows(40, (i) => `${i},1,a`)}\n`);
    const input: ValidateDataInput = { dataset: ds, schema, previousRowCount: 'auto' };
    const put = (body: string) =>
      store.s3.send(
        new PutObjectCommand({ Bucket: store.bucket, Key: rowCountPointerKey(store, { dagId: dag, taskId: 'validate' }), Body: body }),
      );
    await put(JSON.stringify({ rows: 50, workflowId: 'old', logicalDate: '2024-01-01T00:00:00.000Z', dataset: 's3://b/old.arrow' }));
    expect((await validate(input, ctxFor('l1', dag))).previousRowCount).toBe(50);
    await put(JSON.stringify({ format: 'tideflow.row-count-pointer', rows: 'many' }));
    expect((await validate(input, ctxFor('l2', dag))).previousRowCount).toBeNull();
    expect(logs.some((l) => l.includes('ignoring an unreadable previous-row-count pointer'))).toBe(true);
  });

  it('an empty partition and an all-null column are blocking anomalies naming what is wrong', async () => {
    const empty = await dataset('empty', 'id,amount,kind\n');
    const e1 = await failure(validate({ dataset: empty, schema }, ctxFor('run-empty')));
    expect(e1.message).toContain(
      "the dataset is empty (0 rows): an empty partition, or no row in the run's data interval; at least 5 required",
    );
    const nulls = await dataset('nulls', `id,amount,kind\n${rows(10, (i) => `${i},NA,a`)}\n`);
    const e2 = await failure(validate({ dataset: nulls, schema }, ctxFor('run-nulls')));
    expect(e2.message).toContain("column 'amount' has no value: all 10 rows are missing");
  });

  it('an invalid schema or a missing dataset fails at once, naming the problem', async () => {
    const ds = await dataset('schema', `id\n1\n`);
    const bad = await failure(
      validate({ dataset: ds, schema: { columns: { id: { type: 'number', min: 'zero' } } } }, ctxFor('run-schema')),
    );
    expect(bad).toMatchObject({ type: 'InvalidDataSchema', nonRetryable: true });
    expect(bad.message).toContain(`column 'id': min must be a number, got "zero"`);
    const gone = { ...ds, uri: `s3://${store.bucket}/${store.prefix}datasets/nope.arrow` };
    expect(await failure(validate({ dataset: gone, schema }, ctxFor('run-gone')))).toMatchObject({
      type: 'MissingArtifact',
      nonRetryable: true,
    });
  });
});
