/**
 * Small helpers of the bad-input tests: a deterministic synthetic classification CSV with cells
 * that a test can replace, files in a private temp dir, and catching the ApplicationFailure a
 * failing activity throws.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { taskFailure } from '../../activities/task-runner';
import { expect } from 'vitest';

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
