/**
 * The real dataset through the pure steps (no servers): the npm-shipped penguins file parses,
 * cleans to the well-known 333 complete rows, and cross-validates well.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanRows, countClasses, isMissing } from '../../activities/ml/lib/clean';
import { crossValidate } from '../../activities/ml/lib/cross-validate';
import { detectFormat, parseTable, snakeCase } from '../../activities/ml/lib/parse';
import { resolvePackageFile } from '../../activities/ml/source';
import mlRetrain, { mlRetrainParams } from '../../dags/ml_retrain';

const params = mlRetrainParams.parse({});

describe('penguins data', () => {
  const file = resolvePackageFile('vega-datasets/data/penguins.json');
  const table = parseTable(readFileSync(file, 'utf8'), 'json', true);

  it('resolves the file inside the package despite its exports map', () => {
    expect(file).toMatch(/node_modules[\\/]vega-datasets[\\/]data[\\/]penguins\.json$/);
    expect(() => resolvePackageFile('vega-datasets/../package.json')).toThrow(/escapes/);
    expect(() => resolvePackageFile('no-such-package-xyz/a.json')).toThrow(/not installed/);
  });

  it('parses 344 rows with snake_case columns', () => {
    expect(table.rows).toHaveLength(344);
    expect(table.columns).toEqual(['species', 'island', 'beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex']);
    expect(snakeCase('Body Mass (g)')).toBe('body_mass_g');
    expect(detectFormat('s3://b/k.csv')).toBe('csv');
    expect(detectFormat('https://x/y?format=1', 'application/json; charset=utf-8')).toBe('json');
  });

  it('parses CSV and TSV with arquero type inference', () => {
    expect(parseTable('A Col,b\n1,x\n2,y\n', 'csv', true).rows).toEqual([{ a_col: 1, b: 'x' }, { a_col: 2, b: 'y' }]);
    expect(parseTable('a\tb\n1\t\n', 'tsv', false).rows[0]?.['a']).toBe(1);
  });

  it('drops incomplete rows (including the "." sex) and counts them per column', () => {
    const clean = cleanRows(table.rows, params.target, params.features, params.missingValues);
    expect(clean.rows).toHaveLength(333);
    expect(clean.missingByColumn).toMatchObject({ species: 0, sex: 11, beak_length_mm: 2 });
    expect(countClasses(clean.rows, 'species')).toEqual({ Adelie: 146, Chinstrap: 68, Gentoo: 119 });
    expect(isMissing(' . ', new Set(['.']))).toBe(true);
    expect(isMissing(0, new Set())).toBe(false);
  });

  it('cross-validates a default grid candidate above 95% accuracy', async () => {
    const clean = cleanRows(table.rows, params.target, params.features, params.missingValues);
    const config = { index: 0, l2: 0.01, learningRate: 0.5, epochs: 300 };
    const cv = await crossValidate({ rows: clean.rows, target: 'species', features: params.features, classes: ['Adelie', 'Chinstrap', 'Gentoo'], config, folds: 3, seed: 42 });
    expect(cv.foldAccuracies).toHaveLength(3);
    expect(cv.cvAccuracy).toBeGreaterThan(0.95);
    expect(cv.cvLogLoss).toBeLessThan(0.2);
  });

  it('declares the DAG shape the brief asks for', () => {
    const byId = new Map(mlRetrain.tasks.map((t) => [t.id, t]));
    expect([...byId.keys()]).toEqual(['ingest', 'validate', 'split', 'features', 'candidates', 'tune', 'train_best', 'evaluate', 'gate', 'register', 'rejected', 'report']);
    expect(byId.get('tune')?.expand?.from).toBe('candidates');
    expect(byId.get('gate')?.activity).toBeUndefined();
    expect(byId.get('report')?.triggerRule).toBe('none_failed_min_one_success');
    const branch = byId.get('gate')?.branch;
    const ctx = { params, logicalDate: '2024-01-01T00:00:00Z', ds: '2024-01-01' };
    expect(branch?.({ evaluate: { accuracy: 0.95 } }, ctx)).toBe('register');
    expect(branch?.({ evaluate: { accuracy: 0.85 } }, ctx)).toBe('rejected');
  });
});
