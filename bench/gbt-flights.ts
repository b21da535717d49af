/**
 * GBT on the issue-11 flights case, side by side with scikit-learn (not part of `npm run bench`):
 * vega-datasets flights-3m.parquet, train = January–March 2001, test = April 2001, target
 * delay > 15, features hour, weekday, month (UTC), distance, and origin / destination as category
 * codes (sorted training categories; unknown → NaN). Both libraries fit 100 iterations with the
 * same hyperparameters (no early stopping), origin/destination as native categorical features;
 * prints fit seconds (wall and CPU of all threads), the ratios and test AUC. Run: npx tsx bench/gbt-flights.ts [--rows N] [--ours-only] [--repeat N]
 * (--rows subsamples the training rows, every k-th). Needs /usr/bin/python3 with scikit-learn.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fitGbt, gbtProba } from '../ml/gbt/gradient-boosting';
import type { Matrix } from '../ml/frame/matrix';
import { rocAuc } from '../ml/metrics/auc';
import { quantile } from './stats';

const COLUMNS = ['date', 'delay', 'distance', 'origin', 'destination'];

async function readFlights(): Promise<Record<string, unknown[]>> {
  const buf = readFileSync(join(__dirname, '..', 'node_modules/vega-datasets/data/flights-3m.parquet'));
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const out: Record<string, unknown[]> = Object.fromEntries(COLUMNS.map((c) => [c, []]));
  await parquetRead({
    file,
    columns: COLUMNS,
    compressors,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const dest = out[columnName] as unknown[];
      for (let i = 0; i < columnData.length; i++) dest[rowStart + i] = columnData[i];
    },
  });
  return out;
}

function build(cols: Record<string, unknown[]>, every: number): { train: Matrix; yTrain: Int32Array; test: Matrix; yTest: Int32Array } {
  const n = (cols['date'] as unknown[]).length;
  const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : Number(v) / 1000);
  const start = Date.UTC(2001, 0, 1);
  const cut = Date.UTC(2001, 3, 1);
  const end = Date.UTC(2001, 4, 1);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = ms(cols['date']?.[i]);
    if (t >= start && t < cut && k++ % every === 0) trainRows.push(i);
    else if (t >= cut && t < end) testRows.push(i);
  }
  const codes = (name: string): Map<string, number> => {
    const seen = new Set<string>();
    for (const i of trainRows) seen.add(String(cols[name]?.[i]));
    return new Map([...seen].sort().map((c, j) => [c, j]));
  };
  const origin = codes('origin');
  const dest = codes('destination');
  const matrix = (rows: number[]): { x: Matrix; y: Int32Array } => {
    const data = new Float64Array(rows.length * 6);
    const y = new Int32Array(rows.length);
    rows.forEach((i, r) => {
      const d = new Date(ms(cols['date']?.[i]));
      const row = [
        d.getUTCHours(),
        d.getUTCDay(),
        d.getUTCMonth() + 1,
        Number(cols['distance']?.[i]),
        origin.get(String(cols['origin']?.[i])) ?? NaN,
        dest.get(String(cols['destination']?.[i])) ?? NaN,
      ];
      data.set(row, r * 6);
      y[r] = Number(cols['delay']?.[i]) > 15 ? 1 : 0;
    });
    return { x: { data, rows: rows.length, cols: 6, categorical: [false, false, false, false, true, true] }, y };
  };
  const a = matrix(trainRows);
  const b = matrix(testRows);
  return { train: a.x, yTrain: a.y, test: b.x, yTest: b.y };
}

/** Fit wall and CPU seconds (all threads: on a loaded machine, CPU time compares the work done) and test AUC. */
interface Result {
  fit: number;
  cpu: number;
  auc: number;
}

const PY = `
import json, sys, time
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
d = sys.argv[1]
ntr, nte = int(sys.argv[2]), int(sys.argv[3])
Xtr = np.fromfile(d + '/xtr', dtype='<f8').reshape(ntr, 6); ytr = np.fromfile(d + '/ytr', dtype='<i4')
Xte = np.fromfile(d + '/xte', dtype='<f8').reshape(nte, 6); yte = np.fromfile(d + '/yte', dtype='<i4')
m = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
    early_stopping=False, random_state=0, categorical_features=[4, 5])
t = time.perf_counter(); c = time.process_time(); m.fit(Xtr, ytr); fit = time.perf_counter() - t; cpu = time.process_time() - c
print(json.dumps({"fit": fit, "cpu": cpu, "auc": roc_auc_score(yte, m.predict_proba(Xte)[:, 1])}))
`;

async function main(): Promise<void> {
  const at = process.argv.indexOf('--rows');
  const t0 = performance.now();
  const cols = await readFlights();
  const total = (cols['date'] as unknown[]).length;
  const wanted = at > 0 ? Number(process.argv[at + 1]) : Infinity;
  const every = Number.isFinite(wanted) ? Math.max(1, Math.floor(1_477_911 / wanted)) : 1;
  const { train, yTrain, test, yTest } = build(cols, every);
  console.log(`read ${total} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; train ${train.rows}, test ${test.rows}`);
  const dir = mkdtempSync(join(tmpdir(), 'gbt-flights-'));
  writeFileSync(join(dir, 'xtr'), train.data);
  writeFileSync(join(dir, 'ytr'), yTrain);
  writeFileSync(join(dir, 'xte'), test.data);
  writeFileSync(join(dir, 'yte'), yTest);
  const ours = (): Result => {
    const c = process.cpuUsage();
    const t = performance.now();
    const m = fitGbt(train, yTrain, { loss: 'log_loss', maxIter: 100, learningRate: 0.1, maxLeafNodes: 31, minSamplesLeaf: 20, seed: 0 });
    const fit = (performance.now() - t) / 1000;
    const u = process.cpuUsage(c);
    return { fit, cpu: (u.user + u.system) / 1e6, auc: rocAuc(yTest, gbtProba(m, test)) };
  };
  const sk = (): Result =>
    JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY, dir, String(train.rows), String(test.rows)], { encoding: 'utf8' })) as Result;
  // One after the other, so both see about the same machine load; --ours-only skips sklearn (profiling).
  if (process.argv.includes('--ours-only')) {
    const a = ours();
    console.log(`tideflow GBT: fit ${a.fit.toFixed(1)} s (CPU ${a.cpu.toFixed(1)} s), test AUC ${a.auc.toFixed(6)}`);
    return;
  }
  // --repeat N: N alternating pairs (this VM's speed drifts by more than the gap between the two
  // libraries within minutes); the median of the pairs' ratios is the figure to quote.
  const at2 = process.argv.indexOf('--repeat');
  const pairs = at2 > 0 ? Math.max(1, Number(process.argv[at2 + 1]) || 1) : 1;
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let k = 0; k < pairs; k++) {
    const a = k % 2 === 0 ? ours() : undefined;
    const b = sk();
    const c = a ?? ours();
    const tag = pairs > 1 ? `pair ${k + 1}/${pairs} ` : '';
    console.log(`${tag}tideflow GBT: fit ${c.fit.toFixed(1)} s (CPU ${c.cpu.toFixed(1)} s), test AUC ${c.auc.toFixed(6)}`);
    console.log(`${tag}sklearn HGB:  fit ${b.fit.toFixed(1)} s (CPU ${b.cpu.toFixed(1)} s), test AUC ${b.auc.toFixed(6)}`);
    ratios.push(c.fit / b.fit);
    cpuRatios.push(c.cpu / b.cpu);
    console.log(
      `${tag}ratio ${(c.fit / b.fit).toFixed(2)}× (CPU ${(c.cpu / b.cpu).toFixed(2)}×), AUC difference ${(c.auc - b.auc).toFixed(6)}`,
    );
  }
  if (pairs > 1) {
    console.log(
      `median of ${pairs} pairs: ratio ${quantile(ratios, 0.5).toFixed(2)}× (CPU ${quantile(cpuRatios, 0.5).toFixed(2)}×); ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
    );
  }
}

void main();
