/**
 * Native scoring of the flights-style model, in process (issue 12's scoring target, without HTTP):
 * `npx tsx bench/scoring-flights.ts`. A 100-tree GBT on 20,000 flights (vega-datasets
 * flights-20k: date → hour, weekday, month; distance standardized; origin and destination as native
 * categorical codes; target: delay > 15 minutes), scored by `scoreFrame` one row at a time and
 * 1,000 rows at a time. Prints medians and p99 (ms) and a JSON line. Not wired into bench/main.ts.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { resolvePackageFile } from '../activities/ml/source';
import { estimatorToJson, fitEstimator } from '../ml/estimators';
import { fitTransformFeatures, type FeaturePipelineSpecInput } from '../ml/features';
import { frameFromRows, takeRows, type Frame, type Row } from '../ml/frame/frame';
import { MODEL_FORMAT, MODEL_VERSION, parseModelDocument, scoreFrame, type LoadedModel } from '../ml/predict';
import { quantile } from './stats';

export const FLIGHTS_SPEC: FeaturePipelineSpecInput = {
  features: ['date', 'distance', 'origin', 'destination'],
  steps: [
    { op: 'date_parts', columns: ['date'], parts: ['hour', 'weekday', 'month'] },
    { op: 'impute', columns: ['distance'], strategy: 'median' },
    { op: 'standardize', columns: ['distance'] },
    { op: 'categorical', columns: ['origin', 'destination'] },
  ],
};

/** flights-20k rows: date (ISO, UTC), distance, origin, destination, late ('late' | 'on_time'). */
export function flightsFrame(): Frame {
  const raw = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/flights-20k.json'), 'utf8')) as Row[];
  return frameFromRows(
    raw.map((r) => ({
      date: `${String(r.date).replace(/\//g, '-').replace(' ', 'T')}:00Z`,
      distance: r.distance,
      origin: r.origin,
      destination: r.destination,
      late: (r.delay as number) > 15 ? 'late' : 'on_time',
    })),
  );
}

export async function trainFlights(frame: Frame, trees = 100): Promise<LoadedModel> {
  const fit = fitTransformFeatures(frame, FLIGHTS_SPEC);
  const late = frame.columns.find((c) => c.name === 'late')?.values as string[];
  const y = Int32Array.from(late, (v) => (v === 'late' ? 1 : 0));
  const hyperparams = { maxIter: trees, earlyStopping: false };
  const est = await fitEstimator({ kind: 'gbt', task: 'binary', x: fit.matrix, y, numClasses: 2, hyperparams, seed: 1 });
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    modelName: 'flights',
    task: 'binary',
    target: 'late',
    classes: ['on_time', 'late'],
    pipeline: fit.fitted,
    estimator: estimatorToJson(est),
    trial: { index: 0, kind: 'gbt', hyperparams },
    training: { rows: frame.rows, dataset: 'flights-20k', split: 'all', seed: 1, dagId: 'bench', workflowId: 'bench' },
  };
  return parseModelDocument(JSON.parse(JSON.stringify(doc)), 'bench flights model');
}

function time(fn: () => unknown, runs: number, warm: number): number[] {
  for (let i = 0; i < warm; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const frame = flightsFrame();
  const t0 = performance.now();
  const model = await trainFlights(frame);
  console.error(`[bench scoring] trained on ${frame.rows} rows in ${Math.round(performance.now() - t0)} ms`);
  const singles = Array.from({ length: 500 }, (_, i) => takeRows(frame, [(i * 37) % frame.rows]));
  const batch = takeRows(
    frame,
    Array.from({ length: 1000 }, (_, i) => (i * 13) % frame.rows),
  );
  let k = 0;
  const one = time(() => scoreFrame(model, singles[k++ % singles.length] as Frame), 2000, 200);
  const thousand = time(() => scoreFrame(model, batch), 50, 5);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  const result = {
    singleRow: { calls: one.length, p50Ms: r3(quantile(one, 0.5)), p99Ms: r3(quantile(one, 0.99)) },
    batch1000: { calls: thousand.length, p50Ms: r3(quantile(thousand, 0.5)), p90Ms: r3(quantile(thousand, 0.9)) },
  };
  console.log(
    `scoreFrame, 100-tree GBT, flights-style pipeline: 1 row p50 ${result.singleRow.p50Ms} ms, p99 ${result.singleRow.p99Ms} ms; 1,000 rows p50 ${result.batch1000.p50Ms} ms, p90 ${result.batch1000.p90Ms} ms`,
  );
  console.log(JSON.stringify(result));
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
