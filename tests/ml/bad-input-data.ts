/**
 * Small helpers of the bad-input tests: a deterministic synthetic classification CSV with cells
 * that a test can replace, files in a private temp dir, and catching the ApplicationFailure a
 * failing activity throws.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import type { DatasetRef } from '../../activities/ml/dataset';
import { ingestData } from '../../activities/ml/ingest-data';
import { splitData } from '../../activities/ml/split-data';
import { validateData } from '../../activities/ml/validate-data';
import { taskFailure } from '../../activities/task-runner';
import { expect } from 'vitest';
import { testContext, testStore } from './activity-env';

export const CLASS_COLUMNS = ['x', 'x2', 'color', 'label'] as const;
export type ClassColumn = (typeof CLASS_COLUMNS)[number];

/**
 * `n` rows of x (separates the classes, with overlap), x2 (noise), color (3 values) and label
 * (A/B alternating); `cell(i, col)` may replace any cell's text (undefined keeps it).
 */
export function classCsv(n: number, cell: (i: number, col: ClassColumn) => string | undefined = () => undefined): string {
  const lines = [CLASS_COLUMNS.join(',')];
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? 'A' : 'B';
    const base: Record<ClassColumn, string> = {
      x: String((i % 7) + (label === 'B' ? 4 : 0)),
      x2: String(((i * 37) % 11) / 10),
      color: ['red', 'green', 'blue'][i % 3] as string,
      label,
    };
    lines.push(CLASS_COLUMNS.map((c) => cell(i, c) ?? base[c]).join(','));
  }
  return `${lines.join('\n')}\n`;
}

let dir: string | undefined;
/** Write `body` to `name` (may hold folders) in this process's temp dir; returns the absolute path. */
export function localFile(name: string, body: string | Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), 'bad-input-'));
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
  return file;
}

/** The ApplicationFailure `p` rejects with (the test fails if it resolves or throws anything else). */
export async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  // As the worker would report it: through the task runner's one translation into a Temporal failure.
  const f = taskFailure(err, 1);
  // The activity's own details, without the runner's attempt marker in front.
  return new ApplicationFailure(f.message, f.type, f.nonRetryable, f.details?.slice(1), f.cause);
}

/**
 * The ingest, validate and split activities on a fresh prefix of the test MinIO (named after the
 * test file), with ways to put input there and to ingest a file as it is (column names kept).
 */
export function badInputSteps(name: string) {
  const store = testStore(`${name}-${Date.now()}`);
  const ingest = ingestData(() => store);
  const s3uri = (key: string): string => `s3://${store.bucket}/${store.prefix}${key}`;
  return {
    store,
    ingest,
    validate: validateData(() => store),
    split: splitData(() => store),
    s3uri,
    async put(key: string, body: string | Uint8Array): Promise<string> {
      const Body = typeof body === 'string' ? Buffer.from(body) : body;
      await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: `${store.prefix}${key}`, Body }));
      return s3uri(key);
    },
    ingestFile: (source: string, extra: { timestampColumn?: string; missingValues?: string[] } = {}): Promise<DatasetRef> =>
      ingest({ source, normalizeColumns: false, ...extra }, testContext()),
  };
}
