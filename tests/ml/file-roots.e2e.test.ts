/**
 * Issue 14.6 end to end on a real worker: ml_retrain pointed at a local file outside
 * TIDEFLOW_FILE_ROOTS — through a symlink inside the root, or a percent-encoded `..` in a
 * file:// URL — fails at ingest on its first attempt (non-retryable), naming the path and the
 * roots; nothing of the file reaches an artifact.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import mlRetrain from '../../dags/ml_retrain';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'file-roots-e2e-')));
const root = join(base, 'root');
const outside = join(base, 'outside');
mkdirSync(root);
mkdirSync(outside);
// A CSV ingest would happily read: only the confinement stops it.
writeFileSync(join(outside, 'secret.csv'), `user,password\n${Array.from({ length: 50 }, (_, i) => `u${i},pw${i}`).join('\n')}\n`);
symlinkSync(join(outside, 'secret.csv'), join(root, 'innocent.csv'));

const saved = process.env.TIDEFLOW_FILE_ROOTS;
beforeAll(async () => {
  process.env.TIDEFLOW_FILE_ROOTS = root; // the in-process worker reads it at each task
});
afterAll(async () => {
  process.env.TIDEFLOW_FILE_ROOTS = saved;
});
// After the hooks above: the worker starts with the root set, and stops before it is restored.
const h = useHarnessWithWorker('file-roots');

const run = (source: string) =>
  runToEnd(h, mlRetrain as DagDefinition, {
    modelName: `roots-${Date.now().toString(36)}`,
    source,
    search: { strategy: 'grid', space: [{ kind: 'logistic_regression', params: { C: [1] } }] },
    folds: 2,
  });

describe('local sources outside TIDEFLOW_FILE_ROOTS', () => {
  it.each([
    ['a symlink inside the root', join(root, 'innocent.csv')],
    ['a percent-encoded .. in a file:// URL', `file://${root}/%2e%2e/outside/secret.csv`],
    ['a plain .. path', `${root}/../outside/secret.csv`],
  ])(
    '%s: ingest fails once, non-retryable, naming the path and the roots',
    async (_what, source) => {
      const { view } = await run(source);
      expect(view.status).toBe('failed');
      const ingest = taskOf(view, 'ingest');
      expect(ingest).toMatchObject({ state: 'failed', attempts: 1 });
      expect(ingest.error).toContain('SourceNotAllowed');
      expect(ingest.error).toContain(join(outside, 'secret.csv'));
      expect(ingest.error).toContain(`TIDEFLOW_FILE_ROOTS=${root}`);
      expect(taskOf(view, 'validate').state).toBe('upstream_failed');
    },
    120_000,
  );
});
