/**
 * What the ONNX file promises besides the numbers: rows Tideflow refuses come out marked (NaN,
 * empty label) while the others score normally; what cannot be exported exactly is refused by
 * name; the file declares typed inputs, plain outputs (no ZipMap) and its metadata.
 */
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import { takeRows } from '../../ml/frame/frame';
import { exportLoadedModel, OnnxExportError } from '../../ml/onnx';
import { estimatorToJson } from '../../ml/estimators';
import { parseModelDocument, scoreFrame, type LoadedModel } from '../../ml/predict';
import { generate, labelMismatches, maxRelativeError, scoreOnnx, trainModel } from './helpers';

const meta = { modelVersion: 3, tideflowVersion: '0.1.0-test' };

describe('rows Tideflow refuses', () => {
  it('a missing value without impute and an unknown category under handleUnknown error: NaN and an empty label, the other rows as scoreFrame', async () => {
    const spec: FeaturePipelineSpecInput = {
      features: ['num_a', 'colour'],
      steps: [
        { op: 'standardize', columns: ['num_a'] },
        { op: 'impute', columns: ['colour'], strategy: 'most_frequent' },
        { op: 'onehot', columns: ['colour'], handleUnknown: 'error' },
      ],
    };
    // Trained on rows where num_a is present: standardize alone passes a missing value on to the model, which Tideflow refuses.
    const train = generate(2000, 5);
    const present = Array.from({ length: train.rows }, (_, i) => i).filter(
      (i) => !Number.isNaN((train.columns[0]?.values as Float64Array)[i] as number),
    );
    const plain = await trainModel('logistic_regression', 'binary', spec, {}, 2000, takeRows(train, present));
    const rows = generate(400, 77, { unseen: true });
    const bytes = exportLoadedModel(plain, meta);
    const got = await scoreOnnx(bytes, rows, plain.pipeline.inputs);
    const numA = rows.columns[0]?.values as Float64Array;
    const colour = rows.columns[3]?.values as (string | null)[];
    let refused = 0;
    for (let i = 0; i < rows.rows; i++) {
      const one = takeRows(rows, [i]);
      const bad = Number.isNaN(numA[i] as number) || colour[i] === 'purple' || colour[i] === 'zzz';
      if (bad) {
        refused++;
        expect(() => scoreFrame(plain, one)).toThrow();
        expect(got.label?.[i]).toBe('');
        expect(Number.isNaN(got.probabilities?.[2 * i] as number)).toBe(true);
        continue;
      }
      const want = scoreFrame(plain, one);
      expect(got.label?.[i]).toBe(want.labels?.[0]);
      expect(Math.abs((got.probabilities?.[2 * i + 1] as number) - (want.proba?.[1] as number))).toBeLessThan(1e-5);
    }
    expect(refused).toBeGreaterThan(20);
  });
});

describe('refusals name the step', () => {
  it('date parts in a zone other than UTC', async () => {
    const model = await trainModel('linear_regression', 'regression', {
      features: ['at'],
      steps: [
        { op: 'impute', columns: ['at'], strategy: 'median' },
        { op: 'date_parts', columns: ['at'], parts: ['hour'], timezone: 'Europe/Paris' },
      ],
    });
    expect(() => exportLoadedModel(model, meta)).toThrow(OnnxExportError);
    expect(() => exportLoadedModel(model, meta)).toThrow(/step 1 \(date_parts\).*Europe\/Paris/);
  });

  it('a linear model on category codes', async () => {
    const model = await trainModel(
      'gbt',
      'regression',
      { features: ['colour'], steps: [{ op: 'categorical', columns: ['colour'] }] },
      { maxIter: 2 },
    );
    const linear = { ...model, estimator: { ...model.estimator, kind: 'linear_regression' } } as unknown as typeof model;
    expect(() => exportLoadedModel(linear, meta)).toThrow(/category codes/);
  });

  it('an empty-string category (the ONNX missing token)', async () => {
    const frame = generate(500, 4);
    const colour = frame.columns[3]?.values as (string | null)[];
    colour.forEach((v, i) => {
      if (v === 'teal') colour[i] = '';
    });
    const model = await trainModel(
      'gbt',
      'binary',
      { features: ['num_c', 'colour'], steps: [{ op: 'categorical', columns: ['colour'] }] },
      { maxIter: 2 },
      500,
      frame,
    );
    expect(() => exportLoadedModel(model, meta)).toThrow(/step 0 \(categorical\).*empty string/);
  });
});

describe('the file', () => {
  it('declares typed inputs, plain outputs, opsets and metadata; no ZipMap', async () => {
    const model = await trainModel(
      'gbt',
      'multiclass',
      {
        features: ['num_a', 'colour', 'flag'],
        steps: [
          { op: 'impute', columns: ['num_a'], strategy: 'median' },
          { op: 'categorical', columns: ['colour'] },
        ],
      },
      { maxIter: 3 },
    );
    const proto = onnx.ModelProto.decode(exportLoadedModel(model, meta));
    const g = proto.graph as onnx.GraphProto;
    const elem = (v: onnx.IValueInfoProto): number | null | undefined => v.type?.tensorType?.elemType;
    expect(g.input.map((v) => [v.name, elem(v)])).toEqual([
      ['num_a', onnx.TensorProto.DataType.DOUBLE],
      ['colour', onnx.TensorProto.DataType.STRING],
      ['flag', onnx.TensorProto.DataType.DOUBLE],
    ]);
    expect(g.output.map((v) => [v.name, elem(v)])).toEqual([
      ['label', onnx.TensorProto.DataType.STRING],
      ['probabilities', onnx.TensorProto.DataType.FLOAT],
    ]);
    expect(g.node.some((n) => n.opType === 'ZipMap')).toBe(false);
    expect(g.node.filter((n) => n.opType === 'TreeEnsembleClassifier')).toHaveLength(1);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['ai.onnx.ml', 3],
    ]);
    const props = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    expect(props).toMatchObject({
      'tideflow.model_name': 'onnx-gbt-multiclass',
      'tideflow.model_version': '3',
      'tideflow.training_run': 'test-run',
      'tideflow.version': '0.1.0-test',
      'tideflow.class_labels': JSON.stringify(['high', 'low', 'mid']),
      'tideflow.feature_names': JSON.stringify(model.pipeline.featureNames),
    });
  });
});

/** An edited model is a new document (a loaded model is immutable: its trees are compiled once, at load). */
const reload = (m: LoadedModel): LoadedModel =>
  parseModelDocument(JSON.parse(JSON.stringify({ ...m.artifact, estimator: estimatorToJson(m.estimator) })), 'edited model');

describe('gradient boosting edge cases', () => {
  it('a binary model whose leaf values are all positive keeps the "raw score > 0" label rule', async () => {
    const model = await trainModel(
      'gbt',
      'binary',
      { features: ['num_a', 'num_c'], steps: [{ op: 'impute', columns: ['num_a'], strategy: 'median' }] },
      { maxIter: 5 },
    );
    const est = model.estimator;
    if (est.kind !== 'gbt' || 'numClasses' in est.model) throw new Error('expected a binary gbt');
    // onnxruntime switches to "score > 0.5" when no weight is negative; shift the scores so many rows fall in (0, 0.5].
    for (const t of est.model.trees) t.value = t.value.map((v, k) => ((t.feature[k] as number) < 0 ? Math.abs(v) + 0.01 : v));
    const rows = generate(3000, 12);
    const before = scoreFrame(reload(model), rows);
    const raw = Array.from(before.proba as Float64Array)
      .filter((_, i) => i % 2 === 1)
      .map((p) => Math.log(p / (1 - p)));
    est.model.baseline -= raw.sort((a, b) => a - b)[Math.floor(raw.length / 2)] as number;
    const edited = reload(model);
    const want = scoreFrame(edited, rows);
    const p1 = Array.from(want.proba as Float64Array).filter((_, i) => i % 2 === 1);
    expect(p1.filter((p) => p > 0.5 && p < 1 / (1 + Math.exp(-0.5))).length).toBeGreaterThan(50);
    const got = await scoreOnnx(exportLoadedModel(edited, meta), rows, edited.pipeline.inputs);
    expect(labelMismatches(got.label as string[], want.labels as string[])).toEqual([]);
    expect(maxRelativeError(got.probabilities as Float32Array, want.proba as Float64Array)).toBeLessThan(1e-5);
  });
});
