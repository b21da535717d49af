/**
 * Bad input to the split step, on the real MinIO: a single-class target (TooFewClasses naming the
 * target and the class, also when the second class is only in the test rows), a class too small
 * to stratify, and a dataset artifact deleted or replaced after ingest (MissingArtifact /
 * InvalidArtifact naming its uri). Each fails at once and non-retryably. Ingest and validate:
 * ./bad-input.int.test.ts.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { DatasetRef } from '../../activities/ml/dataset';
import { testContext } from './activity-env';
import { badInputSteps, classCsv, failure, localFile } from './bad-input-data';

const { store, validate, split, put, ingestFile } = badInputSteps('bad-input-split');

describe('a single-class target: split fails TooFewClasses naming the target and the class', () => {
  const splitInput = (dataset: DatasetRef, target = 'label') => ({
    dataset,
    target,
    task: 'auto' as const,
    strategy: 'stratified' as const,
    testFraction: 0.25,
    seed: 1,
  });

  it('one class in every row; a target with no value; a target that is not there', async () => {
    const one = await ingestFile(
      localFile(
        'one.csv',
        classCsv(40, (i, col) => (col === 'label' ? 'A' : undefined)),
      ),
    );
    expect(await failure(split(splitInput(one), testContext()))).toMatchObject({
      type: 'TooFewClasses',
      nonRetryable: true,
      message: "target 'label' has a single class 'A': a classifier needs at least 2 classes",
    });
    const none = await ingestFile(
      localFile(
        'none.csv',
        classCsv(10, (i, col) => (col === 'label' ? '' : undefined)),
      ),
    );
    expect((await failure(split(splitInput(none), testContext()))).message).toBe(
      "target 'label' has no values: a classifier needs at least 2 classes",
    );
    const zeros = await ingestFile(
      localFile(
        'zeros.csv',
        classCsv(10, (i, col) => (col === 'label' ? '0' : undefined)),
      ),
    );
    expect(await failure(split({ ...splitInput(zeros), task: 'binary' }, testContext()))).toMatchObject({
      type: 'TooFewClasses',
      message: "target 'label' has a single class '0': a classifier needs at least 2 classes",
    });
    expect(await failure(split(splitInput(one, 'species'), testContext()))).toMatchObject({
      type: 'MissingColumn',
      nonRetryable: true,
      message: "target: column 'species' does not exist (columns: x, x2, color, label)",
    });
  });

  it('two classes, but the second only in the test rows (time split): refused before any trial', async () => {
    const csv = `ts,x,label\n${Array.from({ length: 20 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},${i},${i < 18 ? 'A' : 'B'}`).join('\n')}\n`;
    const data = await ingestFile(localFile('late-class.csv', csv));
    const err = await failure(split({ ...splitInput(data), strategy: 'time', timeColumn: 'ts' }, testContext()));
    expect(err).toMatchObject({ type: 'TooFewClasses', nonRetryable: true });
    expect(err.message).toBe(
      "split 'time' left a single class 'A' of target 'label' in the 15 train rows (class 'B' is only in the test rows): a classifier needs at least 2 classes to learn",
    );
  });

  it('a class with one row cannot be stratified: InvalidSplit naming the class', async () => {
    const data = await ingestFile(
      localFile(
        'rare.csv',
        classCsv(20, (i, col) => (col === 'label' ? (i === 7 ? 'C' : i % 2 ? 'B' : 'A') : undefined)),
      ),
    );
    expect(await failure(split(splitInput(data), testContext()))).toMatchObject({
      type: 'InvalidSplit',
      nonRetryable: true,
      message: "split: cannot stratify: class(es) 'C' have fewer than 2 rows",
    });
  });
});

describe('a missing or replaced dataset artifact: MissingArtifact / InvalidArtifact naming its uri', () => {
  const splitOf = (dataset: DatasetRef) =>
    split({ dataset, target: 'label', task: 'auto', strategy: 'stratified', testFraction: 0.25, seed: 1 }, testContext());
  const keyOf = (uri: string): string => uri.replace(`s3://${store.bucket}/`, '');

  it('deleted before split (and before validate)', async () => {
    const data = await ingestFile(localFile('gone.csv', classCsv(20)));
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: keyOf(data.uri) }));
    const message = `dataset ${data.uri} does not exist (deleted, or written under another bucket/prefix?)`;
    expect(await failure(splitOf(data))).toMatchObject({ type: 'MissingArtifact', nonRetryable: true, message });
    expect(await failure(validate({ dataset: data, schema: { columns: {} } }, testContext()))).toMatchObject({
      type: 'MissingArtifact',
      nonRetryable: true,
      message,
    });
  });

  it('replaced by other bytes; bytes that match the reference but are not Arrow; a row count that differs', async () => {
    const data = await ingestFile(localFile('replaced.csv', classCsv(20)));
    await put(keyOf(data.uri).slice(store.prefix.length), 'x,label\n1,A\n');
    const err = await failure(splitOf(data));
    expect(err).toMatchObject({ type: 'InvalidArtifact', nonRetryable: true });
    expect(err.message).toMatch(
      new RegExp(
        `^dataset ${data.uri} is corrupted: expected ${data.bytes} bytes with sha256 ${data.sha256}, got 12 bytes with sha256 [0-9a-f]{64}$`,
      ),
    );

    const junk = new TextEncoder().encode('ARROW1 but not really');
    const junkUri = await put('datasets/junk.arrow', junk);
    const { sha256Hex } = await import('../../storage/artifacts/objects');
    const junkRef: DatasetRef = { ...data, uri: junkUri, bytes: junk.length, sha256: sha256Hex(junk) };
    expect(await failure(splitOf(junkRef))).toMatchObject({
      type: 'InvalidArtifact',
      nonRetryable: true,
      message: expect.stringMatching(new RegExp(`^dataset ${junkUri} is not a readable Arrow file: `)),
    });

    const real = await ingestFile(localFile('rows.csv', classCsv(20)));
    expect(await failure(splitOf({ ...real, rows: 21 }))).toMatchObject({
      type: 'InvalidArtifact',
      message: `dataset ${real.uri} has 20 rows, its reference says 21`,
    });
  });
});
