/**
 * Fixtures of the ONNX export tests: generated rows (numbers, booleans, timestamps, strings; missing
 * values; at scoring time also categories never seen in training), models trained on them with
 * the project's own trainers, and scoring the exported file with onnxruntime-node.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { expect } from 'vitest';
import { fitModelArtifact, loadedModel } from '../../bench/fit-model';
import type { EstimatorKind, Hyperparams, Task } from '../../ml/estimators';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import type { ColumnSchema, Frame, FrameColumn } from '../../ml/frame/frame';
import { createRng } from '../../ml/stats/random';
import { exportLoadedModel } from '../../ml/onnx';
import { scoreFrame, type LoadedModel, type Scores } from '../../ml/predict';

const COLOURS = ['red', 'green', 'blue', 'teal', 'amber', 'olive', 'plum', 'rare1', 'rare2'];
const COLOUR_WEIGHTS = [20, 18, 15, 12, 10, 8, 6, 1, 0.5];
const UNSEEN_COLOURS = ['purple', 'zzz'];
const SIZES = [1, 2, 3, 5, 8];

export interface GenOptions {
  /** Include categories never seen in training (strings and numbers). */
  unseen?: boolean;
}

function pickWeighted(r: () => number, items: readonly string[], weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = r() * total;
  for (let i = 0; i < items.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return items[i] as string;
  }
  return items[items.length - 1] as string;
}

/**
 * Rows with: num_a (normal, 10% missing), num_b (positive, 5% missing), num_c (0..100 integers),
 * colour (string, 8% missing), size (number category, 6% missing), flag (boolean), at (timestamp,
 * 2019–2025, 3% missing), and targets y_reg, y_bin (yes/no), y_multi (low/mid/high).
 */
export function generate(rows: number, seed: number, o: GenOptions = {}): Frame {
  const r = createRng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const numA = new Float64Array(rows);
  const numB = new Float64Array(rows);
  const numC = new Float64Array(rows);
  const flag = new Float64Array(rows);
  const at = new Float64Array(rows);
  const size = new Float64Array(rows);
  const colour: (string | null)[] = [];
  const yReg = new Float64Array(rows);
  const start = Date.UTC(2019, 0, 1);
  const span = Date.UTC(2025, 11, 31) - start;
  for (let i = 0; i < rows; i++) {
    const a = normal() * 2 + 1;
    const b = Math.exp(normal()) * 3;
    const c = Math.floor(r() * 101);
    const f = r() < 0.4 ? 1 : 0;
    const t = start + Math.floor(r() * span);
    let col: string | null = pickWeighted(r, COLOURS, COLOUR_WEIGHTS);
    if (o.unseen && r() < 0.05) col = UNSEEN_COLOURS[Math.floor(r() * UNSEEN_COLOURS.length)] as string;
    let s = SIZES[Math.floor(r() * SIZES.length)] as number;
    if (o.unseen && r() < 0.04) s = 13;
    const colourEffect = col === null ? 0.5 : (COLOURS.indexOf(col) % 4) - 1.5;
    const hour = new Date(t).getUTCHours();
    yReg[i] = 1.5 * a + Math.log1p(b) + 0.03 * c + colourEffect + 0.2 * s + 0.8 * f + (hour >= 12 ? 0.7 : 0) + normal() * 0.5;
    numA[i] = r() < 0.1 ? NaN : a;
    numB[i] = r() < 0.05 ? NaN : b;
    numC[i] = c;
    flag[i] = f;
    at[i] = r() < 0.03 ? NaN : t;
    colour.push(r() < 0.08 ? null : col);
    size[i] = r() < 0.06 ? NaN : s;
  }
  const sorted = Float64Array.from(yReg).sort();
  const q = (p: number): number => sorted[Math.floor(p * (rows - 1))] as number;
  const [q33, q50, q67] = [q(1 / 3), q(0.5), q(2 / 3)];
  const cols: FrameColumn[] = [
    { name: 'num_a', type: 'number', values: numA },
    { name: 'num_b', type: 'number', values: numB },
    { name: 'num_c', type: 'number', values: numC },
    { name: 'colour', type: 'string', values: colour },
    { name: 'size', type: 'number', values: size },
    { name: 'flag', type: 'boolean', values: flag },
    { name: 'at', type: 'timestamp', values: at },
    { name: 'y_reg', type: 'number', values: yReg },
    { name: 'y_bin', type: 'string', values: Array.from(yReg, (y) => (y > q50 ? 'yes' : 'no')) },
    { name: 'y_multi', type: 'string', values: Array.from(yReg, (y) => (y <= q33 ? 'low' : y <= q67 ? 'mid' : 'high')) },
  ];
  return { rows, columns: cols };
}

export const TARGETS: Record<Task, { column: string; classes: string[] }> = {
  binary: { column: 'y_bin', classes: ['no', 'yes'] },
  multiclass: { column: 'y_multi', classes: ['high', 'low', 'mid'] },
  regression: { column: 'y_reg', classes: [] },
};

/** Every step but 'categorical' (linear models need one-hot), each in a form Tideflow can score on any row here. */
export const LINEAR_PIPELINE: FeaturePipelineSpecInput = {
  features: ['num_a', 'num_b', 'num_c', 'colour', 'size', 'flag', 'at'],
  steps: [
    { op: 'impute', columns: ['num_a', 'at'], strategy: 'median' },
    { op: 'impute', columns: ['num_b'], strategy: 'mean' },
    { op: 'log', columns: ['num_b'] },
    { op: 'interact', pairs: [['num_a', 'num_b']] },
    { op: 'standardize', columns: ['num_a', 'num_a*num_b'] },
    { op: 'minmax', columns: ['num_b'], clip: true },
    { op: 'date_parts', columns: ['at'], parts: ['hour', 'weekday', 'month', 'year', 'day', 'minute', 'dayofyear'] },
    { op: 'bin', columns: ['at_hour'], nBins: 4, strategy: 'uniform', encode: 'onehot' },
    { op: 'bin', columns: ['num_c'], nBins: 5, strategy: 'quantile', encode: 'ordinal' },
    { op: 'impute', columns: ['colour'], strategy: 'most_frequent' },
    { op: 'onehot', columns: ['colour'], handleUnknown: 'infrequent_if_exist', minFrequency: 0.02 },
    { op: 'onehot', columns: ['size'], handleUnknown: 'ignore' },
    { op: 'drop', columns: ['at_minute'] },
  ],
};

/** Native categorical features for gradient boosting, missing and unseen codes included. */
export const GBT_PIPELINE: FeaturePipelineSpecInput = {
  features: ['num_a', 'num_b', 'num_c', 'colour', 'size', 'flag', 'at'],
  steps: [
    { op: 'impute', columns: ['num_a', 'num_b', 'at'], strategy: 'median' },
    { op: 'log', columns: ['num_b'], offset: 2 },
    { op: 'date_parts', columns: ['at'], parts: ['hour', 'weekday'] },
    { op: 'categorical', columns: ['colour', 'size'] },
  ],
};

/** A parity case: estimator, task, the features' label in the test's name, the pipeline. */
export type ParityCase = [EstimatorKind, Task, string, FeaturePipelineSpecInput];

/**
 * Every estimator on each task it serves, as one pair of parity pipelines: gradient boosting on
 * `gbt`, the linear models on `linear` (they need one-hot features, no native categories).
 */
export function parityCases(
  gbt: [label: string, spec: FeaturePipelineSpecInput],
  linear: [label: string, spec: FeaturePipelineSpecInput],
): ParityCase[] {
  return [
    ['gbt', 'binary', ...gbt],
    ['gbt', 'multiclass', ...gbt],
    ['gbt', 'regression', ...gbt],
    ['logistic_regression', 'binary', ...linear],
    ['logistic_regression', 'multiclass', ...linear],
    ['linear_regression', 'regression', ...linear],
  ];
}

/** export-parity.test.ts's estimator × task × pipeline cases (export-parity-steps.test.ts checks what they cover). */
export const PARITY_CASES: ParityCase[] = [
  ...parityCases(['native categorical', GBT_PIPELINE], ['one-hot', LINEAR_PIPELINE]),
  // Gradient boosting on one-hot features too: its trees then split on 0/1 columns, not category sets.
  ['gbt', 'binary', 'one-hot', LINEAR_PIPELINE],
];

/** The parity tests' hyperparameters: few trees and a ridge penalty, enough for a non-trivial model, fast to fit. */
export const parityHyperparams = (kind: EstimatorKind): Hyperparams =>
  kind === 'gbt' ? { maxIter: 30 } : kind === 'linear_regression' ? { alpha: 0.5 } : {};

export async function trainModel(
  kind: EstimatorKind,
  task: Task,
  spec: FeaturePipelineSpecInput,
  hyperparams: Hyperparams = {},
  rows = 3000,
  frame: Frame = generate(rows, 11),
): Promise<LoadedModel> {
  const target = TARGETS[task];
  const artifact = await fitModelArtifact(frame, {
    modelName: `onnx-${kind}-${task}`,
    kind,
    task,
    target: target.column,
    classes: target.classes,
    features: spec,
    hyperparams,
    seed: 3,
    provenance: { dataset: 'generated', split: 'all', dagId: 'test', workflowId: 'test-run' },
  });
  return loadedModel(artifact, 'test model');
}

/** ONNX feeds for `frame`'s columns named in `inputs`: float64 [N,1] (NaN = missing) or string [N,1] ('' = missing). */
export function onnxFeeds(frame: Frame, inputs: readonly ColumnSchema[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const c of inputs) {
    const col = frame.columns.find((x) => x.name === c.name) as FrameColumn;
    feeds[c.name] =
      col.type === 'string'
        ? new Tensor(
            'string',
            col.values.map((v) => v ?? ''),
            [frame.rows, 1],
          )
        : new Tensor('float64', col.values, [frame.rows, 1]);
  }
  return feeds;
}

export interface OnnxScores {
  label?: string[];
  probabilities?: Float32Array;
  variable?: Float32Array;
}

export async function scoreOnnx(bytes: Uint8Array, frame: Frame, inputs: readonly ColumnSchema[]): Promise<OnnxScores> {
  const session = await InferenceSession.create(bytes);
  try {
    const out = await session.run(onnxFeeds(frame, inputs));
    return {
      ...(out.label && { label: out.label.data as string[] }),
      ...(out.probabilities && { probabilities: out.probabilities.data as Float32Array }),
      ...(out.variable && { variable: out.variable.data as Float32Array }),
    };
  } finally {
    await session.release();
  }
}

/** Largest |a − b| / max(1, |b|): float32 outputs hold ~7 significant digits whatever the scale. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number));
    if (!(e <= worst)) worst = e; // NaN on one side only counts as infinitely wrong
  }
  return worst;
}

/** Rows whose labels differ (first few), for a readable failure. */
export function labelMismatches(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.length && out.length < 5; i++) if (a[i] !== b[i]) out.push(`row ${i}: onnx ${a[i]}, tideflow ${b[i]}`);
  return out;
}

/**
 * `model` exported and scored with onnxruntime-node answers on `rows` as scoreFrame does:
 * regression values and probabilities within 1e-5, labels identical, every class reached.
 */
export async function expectOnnxParity(model: LoadedModel, task: Task, rows: Frame): Promise<void> {
  const bytes = exportLoadedModel(model, { modelVersion: 1, tideflowVersion: 'test' });
  const expected = scoreFrame(model, rows);
  const got = await scoreOnnx(bytes, rows, model.pipeline.inputs);
  if (task === 'regression') {
    expect(got.variable).toHaveLength(rows.rows);
    expect(maxRelativeError(got.variable as Float32Array, expected.values)).toBeLessThan(1e-5);
    return;
  }
  expect(got.probabilities).toHaveLength(rows.rows * model.artifact.classes.length);
  expect(maxRelativeError(got.probabilities as Float32Array, expected.proba as Float64Array)).toBeLessThan(1e-5);
  expect(labelMismatches(got.label as string[], expected.labels as string[])).toEqual([]);
  // The data reaches every class, so a constant answer could not pass.
  expect(new Set(expected.labels).size).toBe(model.artifact.classes.length);
}

export type { Scores };
