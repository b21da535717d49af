/**
 * `onnx`: scoring time of the two engines on the same model, in one run — native (`scoreFrame`)
 * vs ONNX (the model exported by ml/onnx, run by onnxruntime-node, one intra-op thread): one row
 * at a time (a prediction server's usual request) and 10,000 rows at once (a batch). Models:
 * gradient boosting (native categorical splits) and logistic regression (one-hot), multiclass, on
 * the penguins from vega-datasets. Answers are checked equal before anything is timed.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { resolvePackageFile } from '../activities/ml/source';
import type { EstimatorKind } from '../ml/estimators';
import type { FeaturePipelineSpecInput } from '../ml/features';
import { frameFromRows, takeRows, type Frame, type Row } from '../ml/frame/frame';
import { createOnnxScorer } from '../ml/onnx';
import { scoreFrame, type LoadedModel } from '../ml/predict';
import { fitModelArtifact, loadedModel } from './fit-model';
import { quantile, round } from './stats';
import type { Benchmark } from './types';

const NUMERIC = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];

function penguins(): Frame {
  const raw = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/penguins.json'), 'utf8')) as Row[];
  return frameFromRows(raw.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '.' ? null : v]))));
}

const SPECS: Record<'gbt' | 'logistic_regression', FeaturePipelineSpecInput> = {
  gbt: {
    features: [...NUMERIC, 'Island', 'Sex'],
    steps: [
      { op: 'impute', columns: NUMERIC, strategy: 'median' },
      { op: 'categorical', columns: ['Island', 'Sex'] },
    ],
  },
  logistic_regression: {
    features: [...NUMERIC, 'Island', 'Sex'],
    steps: [
      { op: 'impute', columns: NUMERIC, strategy: 'median' },
      { op: 'standardize', columns: NUMERIC },
      { op: 'onehot', columns: ['Island', 'Sex'] },
    ],
  },
};

async function train(kind: EstimatorKind, frame: Frame): Promise<LoadedModel> {
  const artifact = await fitModelArtifact(frame, {
    modelName: `bench-${kind}`,
    kind,
    task: 'multiclass',
    target: 'Species',
    classes: CLASSES,
    features: SPECS[kind as 'gbt'],
    hyperparams: kind === 'gbt' ? { maxIter: 100 } : {},
    seed: 1,
    provenance: { dataset: 'penguins', split: 'all', dagId: 'bench', workflowId: 'bench' },
  });
  return loadedModel(artifact, 'bench model');
}

/** Median milliseconds of `fn` over `runs` runs after `warm` warm-up runs. */
async function timeMs(fn: () => unknown, runs: number, warm: number): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return quantile(samples, 0.5);
}

export interface OnnxBenchRow {
  model: string;
  rows: number;
  nativeMs: number;
  onnxMs: number;
  /** onnx / native: below 1, ONNX is faster. */
  ratio: number;
}

export async function measureOnnx(log: (line: string) => void = () => undefined): Promise<OnnxBenchRow[]> {
  const frame = penguins();
  const batch = takeRows(
    frame,
    Array.from({ length: 10_000 }, (_, i) => i % frame.rows),
  );
  const out: OnnxBenchRow[] = [];
  for (const kind of ['gbt', 'logistic_regression'] as const) {
    const model = await train(kind, frame);
    const scorer = await createOnnxScorer(model, { tideflowVersion: 'bench' });
    try {
      const a = scoreFrame(model, batch);
      const b = await scorer.score(batch);
      if (JSON.stringify(a.labels) !== JSON.stringify(b.labels)) throw new Error(`bench onnx: ${kind} labels differ between engines`);
      const singles = Array.from({ length: 200 }, (_, i) => takeRows(frame, [i % frame.rows]));
      let k = 0;
      for (const [rows, runs, warm, nativeFn, onnxFn] of [
        [1, 200, 20, () => scoreFrame(model, singles[k++ % 200] as Frame), () => scorer.score(singles[k++ % 200] as Frame)],
        [10_000, 7, 2, () => scoreFrame(model, batch), () => scorer.score(batch)],
      ] as const) {
        const nativeMs = await timeMs(nativeFn, runs, warm);
        const onnxMs = await timeMs(onnxFn, runs, warm);
        out.push({ model: kind, rows, nativeMs: round(nativeMs, 3), onnxMs: round(onnxMs, 3), ratio: round(onnxMs / nativeMs, 2) });
        log(`onnx: ${kind} ${rows} rows: native ${nativeMs.toFixed(3)} ms, onnx ${onnxMs.toFixed(3)} ms`);
      }
    } finally {
      await scorer.close();
    }
  }
  return out;
}

export const onnxBench: Benchmark = {
  name: 'onnx',
  title: 'Scoring: native engine vs ONNX engine (onnxruntime-node), 1 row and 10,000 rows',
  async run(ctx) {
    const rows = await measureOnnx(ctx.log);
    const lines = [
      'MODEL                 ROWS    NATIVE ms   ONNX ms   ONNX/NATIVE',
      ...rows.map(
        (r) =>
          `${r.model.padEnd(20)} ${String(r.rows).padStart(6)} ${r.nativeMs.toFixed(3).padStart(11)} ${r.onnxMs.toFixed(3).padStart(9)} ${r.ratio.toFixed(2).padStart(13)}`,
      ),
      'Medians (1 row: 200 requests; 10,000 rows: 7 batches), same answers checked first; times include building the input tensors.',
    ];
    return { result: rows, report: `${lines.join('\n')}\n` };
  },
};
