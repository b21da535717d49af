/**
 * The real dataset through the pure steps (no servers): the npm-shipped penguins file parses,
 * passes the DAG's declared schema, and cross-validates well with the default features.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossValidate, foldsFor } from '../../ml/model-selection/cross-validation';
import { fitEstimator } from '../../ml/estimators';
import { fitTransformFeatures, transformFeatures } from '../../ml/features';
import { takeRows } from '../../ml/frame/frame';
import { detectFormat, parseSourceFrame, parseTable, snakeCase } from '../../ml/io/parse';
import { validateFrame } from '../../ml/validation';
import { encodeTarget } from '../../activities/ml/model-artifact';
import { resolvePackageFile } from '../../activities/ml/source';
import mlRetrain, { mlRetrainParams } from '../../dags/ml_retrain';

const params = mlRetrainParams.parse({});
const file = resolvePackageFile('vega-datasets/data/penguins.json');

describe('penguins data', () => {
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

  it('passes the DAG default schema, with the missing sex values counted', async () => {
    const frame = await parseSourceFrame(readFileSync(file), 'json', { normalizeColumns: true, missingValues: params.missingValues });
    const { statistics, anomalies } = validateFrame(frame, params.schema, { previousRowCount: null });
    expect(anomalies.filter((a) => a.severity === 'error')).toEqual([]);
    const sex = statistics.columns.find((c) => c.name === 'sex');
    expect(sex?.missing).toBe(11);
    expect(statistics.columns.find((c) => c.name === 'beak_length_mm')?.missing).toBe(2);
  });

  it('cross-validates the default logistic regression above 95% accuracy, the pipeline refitted per fold', async () => {
    const frame = await parseSourceFrame(readFileSync(file), 'json', { normalizeColumns: true, missingValues: params.missingValues });
    const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
    const y = encodeTarget(frame, 'species', 'multiclass', classes) as Int32Array;
    const cv = await crossValidate({
      rows: frame.rows,
      folds: foldsFor('multiclass', y, 3, 42),
      task: 'multiclass',
      metric: 'accuracy',
      classes,
      prepare: (tr, he) => {
        const fit = fitTransformFeatures(takeRows(frame, tr), params.features);
        return {
          xTrain: fit.matrix,
          yTrain: Int32Array.from(tr, (i) => y[i] as number),
          xHeld: transformFeatures(fit.fitted, takeRows(frame, he)).matrix,
          yHeld: Int32Array.from(he, (i) => y[i] as number),
        };
      },
      fit: (x, yy) => fitEstimator({ kind: 'logistic_regression', task: 'multiclass', x, y: yy, numClasses: 3, hyperparams: { C: 1 } }),
    });
    expect(cv.perFold).toHaveLength(3);
    expect(cv.mean).toBeGreaterThan(0.95);
    expect(cv.allMetrics.log_loss?.mean).toBeLessThan(0.2);
  });

  it('declares the DAG shape the issue asks for, and gates by the TFX rules', () => {
    const byId = new Map(mlRetrain.tasks.map((t) => [t.id, t]));
    expect([...byId.keys()]).toEqual([
      'ingest',
      'validate',
      'split',
      'candidates',
      'tune',
      'train_best',
      'evaluate',
      'gate',
      'register',
      'export',
      'export_onnx',
      'rejected',
      'report',
    ]);
    expect(byId.get('tune')?.expand?.from).toBe('candidates');
    expect(byId.get('gate')?.activity).toBeUndefined();
    expect(byId.get('report')?.triggerRule).toBe('none_failed_min_one_success');
    // The gate computes its decision once (its output), then branches on it.
    const gate = byId.get('gate');
    const ctx = { params, logicalDate: '2024-01-01T00:00:00Z', ds: '2024-01-01' };
    const route = (evaluate: unknown) => {
      const decision = gate?.input?.({ ...ctx, upstream: { evaluate } } as never);
      return gate?.branch?.(decision, ctx);
    };
    expect(route({ metrics: { accuracy: 0.95 }, champion: null })).toBe('register');
    expect(route({ metrics: { accuracy: 0.85 }, champion: null })).toBe('rejected');
    // Better than 0.9 but more than 0.02 below the champion.
    expect(route({ metrics: { accuracy: 0.93 }, champion: { version: 4, metrics: { accuracy: 0.97 } } })).toBe('rejected');
  });
});
