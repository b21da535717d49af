/**
 * Bad input to ml_retrain, end to end on a real worker (issue 4, "Bad input"): with a champion
 * already registered for the model, runs on bad data — malformed CSV, an empty partition, a
 * bucket that does not exist, wrong
 * types, an all-null column, Infinity in a feature the schema only warns about, a single-class
 * target — each fail fast at the step that sees it (one attempt: the error is non-retryable,
 * though ingest allows 4 and the other tasks 3), name the column or file, end (no hang), and leave
 * the registry as it was: same versions, champion alias on the same version.
 * Sources are local CSV files written from the penguins data of the vega-datasets package.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePackageFile } from '../../activities/ml/source';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import mlRetrain, { PENGUINS_SCHEMA } from '../../dags/ml_retrain';
import { getVersionByAlias, listVersions } from '../../registry';
import { useHarnessWithWorker, runToEnd, statesOf, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('bad-input');

type Penguin = Record<string, string | number | null>;
const PENGUINS = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/penguins.json'), 'utf8')) as Penguin[];
const HEADER = Object.keys(PENGUINS[0] as Penguin);
const dir = mkdtempSync(join(tmpdir(), 'bad-input-e2e-'));

/** The penguins as CSV, each row passed through `edit` (which may change cells or return null to drop the row). */
function penguinsCsv(name: string, edit: (row: Penguin, i: number) => Penguin | null = (r) => r): string {
  const lines = [HEADER.join(',')];
  PENGUINS.forEach((row, i) => {
    const r = edit({ ...row }, i);
    if (r) lines.push(HEADER.map((k) => (r[k] === null || r[k] === undefined ? '' : String(r[k]))).join(','));
  });
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const modelName = `penguins-bad-${Date.now().toString(36)}`;
/** Small search so each run is quick; everything else is the DAG's default (penguins schema, features, thresholds). */
const base = { modelName, search: { strategy: 'grid', space: [{ kind: 'logistic_regression', params: { C: [1] } }] }, folds: 2 };
const run = (params: Record<string, unknown>) => runToEnd(h, mlRetrain as DagDefinition, { ...base, ...params });

async function registryState(): Promise<{ versions: number[]; champion: number }> {
  const versions = (await listVersions(h.store, modelName)).map((v) => v.version);
  return { versions, champion: (await getVersionByAlias(h.store, modelName, 'champion')).version };
}

/** The run failed at `task`, on its first attempt, with `type`; every later task was skipped as upstream_failed; returns the task's error. */
function failedAt(view: RunView, task: string, type: string, downstream: string[]): string {
  expect(view.status).toBe('failed');
  const t = taskOf(view, task);
  expect(t).toMatchObject({ state: 'failed', attempts: 1 });
  expect(t.error).toContain(type);
  for (const d of downstream) expect(taskOf(view, d).state, d).toBe('upstream_failed');
  return t.error ?? '';
}

describe('ml_retrain on bad data, with a champion registered', () => {
  it('a first run on good data registers v1 as champion', async () => {
    const { view } = await run({ source: penguinsCsv('good.csv') });
    expect(view.status).toBe('success');
    expect(taskOf(view, 'register').output).toEqual({ modelName, version: 1, promoted: { alias: 'champion', previousVersion: null } });
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);

  it('malformed CSV: ingest fails once (of 4 allowed), naming the file and the line', async () => {
    const file = penguinsCsv('malformed.csv', (r, i) => (i === 9 ? { ...r, Island: '"Dream' } : r));
    const { view } = await run({ source: file });
    const error = failedAt(view, 'ingest', 'UnparsableSource', ['validate', 'split', 'tune', 'train_best', 'register', 'report']);
    expect(error).toContain(`cannot parse ${file} as csv: line 11: field 2 opens a quote that is never closed`);
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);

  it('an empty partition: ingest fails once, naming the folder', async () => {
    mkdirSync(join(dir, 'lake'));
    const { view } = await run({ source: `${join(dir, 'lake')}/dt={{ds}}/` });
    const error = failedAt(view, 'ingest', 'EmptyPartition', ['validate', 'split', 'register', 'report']);
    expect(error).toMatch(new RegExp(`partition ${join(dir, 'lake')}/dt=\\d{4}-\\d{2}-\\d{2} does not exist`));
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);

  it('an s3:// source in a bucket that does not exist (a typo): ingest fails once, naming the bucket', async () => {
    const { view } = await run({ source: 's3://tideflow-no-such-bucket-e2e/penguins.csv' });
    const error = failedAt(view, 'ingest', 'SourceNotFound', ['validate', 'split', 'register', 'report']);
    expect(error).toContain("no bucket 'tideflow-no-such-bucket-e2e' for s3://tideflow-no-such-bucket-e2e/penguins.csv");
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);

  it('wrong types and an all-null column: validate fails once, naming both columns', async () => {
    const file = penguinsCsv('types.csv', (r, i) => ({ ...r, 'Body Mass (g)': null, ...(i === 5 && { 'Beak Length (mm)': 'forty' }) }));
    const { view } = await run({ source: file });
    const error = failedAt(view, 'validate', 'DataValidationFailed', ['split', 'tune', 'train_best', 'register', 'report']);
    expect(error).toContain(
      "column 'beak_length_mm' is declared number but holds text: 1 of 342 (0.29%) values are not numbers, e.g. 'forty'",
    );
    expect(error).toContain("column 'body_mass_g' has no value: all 344 rows are missing");
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);

  it('Infinity in a feature whose anomalies only warn: tune fails once per trial, naming the feature', async () => {
    const file = penguinsCsv('inf.csv', (r, i) => (i % 25 === 3 ? { ...r, 'Flipper Length (mm)': 'inf' } : r));
    const columns = { ...PENGUINS_SCHEMA.columns, flipper_length_mm: { type: 'number' as const, severity: 'warning' as const } };
    const { view } = await run({ source: file, schema: { ...PENGUINS_SCHEMA, columns } });
    expect(taskOf(view, 'validate').state).toBe('success');
    expect((taskOf(view, 'validate').output as { anomalies: { column: string; kind: string }[] }).anomalies).toContainEqual(
      expect.objectContaining({ column: 'flipper_length_mm', kind: 'non_finite', severity: 'warning' }),
    );
    const error = failedAt(view, 'tune', 'FeaturePipelineError', ['train_best', 'evaluate', 'register', 'report']);
    expect(taskOf(view, 'tune').mapped).toMatchObject({ total: 1, failed: 1 });
    expect(error).toMatch(
      /trial 0 \(logistic_regression\): feature pipeline step 1 \(standardize\), fitting: column 'flipper_length_mm' cannot be fitted: it holds Infinity at row \d+/,
    );
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);

  it('a single-class target: split fails once with TooFewClasses, naming the target and the class', async () => {
    const file = penguinsCsv('adelie.csv', (r) => (r['Species'] === 'Adelie' ? r : null));
    const { view, error: runError } = await run({ source: file });
    expect(statesOf(view)).toMatchObject({ ingest: 'success', validate: 'success' });
    const error = failedAt(view, 'split', 'TooFewClasses', ['tune', 'train_best', 'evaluate', 'register', 'report']);
    expect(error).toContain("target 'species' has a single class 'Adelie': a classifier needs at least 2 classes");
    expect(runError).toContain('TooFewClasses');
    expect(await registryState()).toEqual({ versions: [1], champion: 1 });
  }, 180_000);
});
