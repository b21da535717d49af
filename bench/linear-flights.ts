/**
 * Logistic regression on the flights case of issue 11, side by side with scikit-learn in one run:
 * vega-datasets flights-3m.parquet, train January–March 2001, test April 2001 (dates read as UTC),
 * target delay > 15, features hour / weekday / month of `date`, `distance` standardised, `origin`
 * and `destination` one-hot (unknown → all zeros). Our feature pipeline builds the matrix (one-hot
 * as compact blocks); the very same matrix is handed to /usr/bin/python3 as CSR (what sklearn's
 * OneHotEncoder gives), where LogisticRegression(lbfgs, C = 1) is fitted. Only the fits are timed.
 *
 *   npx tsx bench/linear-flights.ts [--repeat 2] [--max-iter 100]
 *
 * Prints fit seconds, iterations, test ROC-AUC and the largest coefficient difference. Timings on
 * a shared machine are noisy: compare the ratio of alternating runs, and note the load average.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitTransformFeatures, transformFeatures } from '../ml/features';
import type { Frame } from '../ml/frame/frame';
import { denseCols, type Matrix } from '../ml/frame/matrix';
import { fitLogistic, logisticProba, type LogisticFit } from '../ml/linear/logistic';
import { rocAuc } from '../ml/metrics/auc';
import { readFlights, type Flights } from './ml-pipeline-data';

const TRAIN_START = Date.UTC(2001, 0, 1);
const CUTOFF = Date.UTC(2001, 3, 1);
const TEST_END = Date.UTC(2001, 4, 1);
const PYTHON = '/usr/bin/python3';

function part(f: Flights, from: number, to: number): { frame: Frame; y: Int32Array } {
  const idx: number[] = [];
  for (let i = 0; i < f.date.length; i++) if ((f.date[i] as number) >= from && (f.date[i] as number) < to) idx.push(i);
  const pick = (a: Float64Array) => Float64Array.from(idx, (i) => a[i] as number);
  const frame: Frame = {
    rows: idx.length,
    columns: [
      { name: 'date', type: 'timestamp', values: pick(f.date) },
      { name: 'distance', type: 'number', values: pick(f.distance) },
      { name: 'origin', type: 'string', values: idx.map((i) => f.origin[i] ?? null) },
      { name: 'destination', type: 'string', values: idx.map((i) => f.destination[i] ?? null) },
    ],
  };
  return { frame, y: Int32Array.from(idx, (i) => ((f.delay[i] as number) > 15 ? 1 : 0)) };
}

/** The matrix as raw little-endian arrays for python: dense part, then each block's indices. */
function dump(dir: string, name: string, m: Matrix, y: Int32Array): object {
  writeFileSync(join(dir, `${name}-dense.f64`), m.data);
  (m.onehot ?? []).forEach((b, k) => writeFileSync(join(dir, `${name}-block${k}.i32`), b.index));
  writeFileSync(join(dir, `${name}-y.i32`), y);
  return { rows: m.rows, cols: m.cols, dense: denseCols(m), blocks: (m.onehot ?? []).map((b) => ({ offset: b.offset, width: b.width })) };
}

const SKLEARN = String.raw`
import json, sys, time, numpy as np, scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
d, spec = sys.argv[1], json.loads(sys.argv[2])
def load(name, s):
    n, dc = s['rows'], s['dense']
    dense = np.fromfile(f'{d}/{name}-dense.f64', dtype='<f8').reshape(n, dc)
    parts = [sp.csr_matrix(dense)]
    for k, b in enumerate(s['blocks']):
        idx = np.fromfile(f'{d}/{name}-block{k}.i32', dtype='<i4')
        rows = np.nonzero(idx >= 0)[0]
        parts.append(sp.csr_matrix((np.ones(len(rows)), (rows, idx[rows])), shape=(n, b['width'])))
    # Dense columns come first in this feature order, then the blocks, as in the pipeline's output.
    return sp.hstack(parts, format='csr'), np.fromfile(f'{d}/{name}-y.i32', dtype='<i4')
X, y = load('train', spec['train'])
Xt, yt = load('test', spec['test'])
out = []
for r in range(spec['repeat']):
    m = LogisticRegression(C=1.0, solver='lbfgs', max_iter=spec['maxIter'])
    t, c = time.perf_counter(), time.process_time(); m.fit(X, y)
    s, cpu = time.perf_counter() - t, time.process_time() - c
    w, b = m.coef_[0], m.intercept_[0]
    z = X @ w + b
    objective = (np.logaddexp(0, z) - y * z).mean() + 0.5 / X.shape[0] * (w @ w)
    out.append({'seconds': s, 'cpu': cpu, 'objective': objective, 'iterations': int(m.n_iter_[0]),
                'auc': roc_auc_score(yt, m.predict_proba(Xt)[:, 1]),
                'coef': m.coef_[0].tolist(), 'intercept': float(m.intercept_[0])})
print(json.dumps(out))
`;

interface SklearnRun {
  seconds: number;
  cpu: number;
  /** Mean log loss + (1 / (2·rows))·‖w‖² at sklearn's solution: the objective both minimise. */
  objective: number;
  iterations: number;
  auc: number;
  coef: number[];
  intercept: number;
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const repeat = arg('--repeat', 1);
  const maxIter = arg('--max-iter', 100);
  let t = performance.now();
  const flights = await readFlights();
  const train = part(flights, TRAIN_START, CUTOFF);
  const test = part(flights, CUTOFF, TEST_END);
  console.log(
    `read ${flights.date.length} rows in ${((performance.now() - t) / 1000).toFixed(1)} s: train ${train.frame.rows}, test ${test.frame.rows}`,
  );
  t = performance.now();
  const spec = {
    features: ['date', 'distance', 'origin', 'destination'],
    steps: [
      { op: 'date_parts' as const, columns: ['date'], parts: ['hour' as const, 'weekday' as const, 'month' as const] },
      { op: 'standardize' as const, columns: ['distance'] },
      { op: 'onehot' as const, columns: ['origin', 'destination'], handleUnknown: 'ignore' as const },
    ],
  };
  const fit = fitTransformFeatures(train.frame, spec);
  const held = transformFeatures(fit.fitted, test.frame);
  const x = fit.matrix;
  console.log(
    `features in ${((performance.now() - t) / 1000).toFixed(1)} s: ${x.cols} columns (${denseCols(x)} dense + one-hot blocks of ${(x.onehot ?? []).map((b) => b.width).join(', ')})`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'linear-flights-'));
  try {
    const shapes = { train: dump(dir, 'train', x, train.y), test: dump(dir, 'test', held.matrix, test.y), repeat: 1, maxIter };
    const l2 = 1 / x.rows; // C = 1
    const ours = (threads: 1 | 2): { seconds: number; cpu: number; fit: LogisticFit; load: number } => {
      const load = loadavg()[0] ?? 0;
      const start = performance.now();
      const cpu0 = process.cpuUsage();
      const f = fitLogistic(x, train.y, 2, { l2, maxIterations: maxIter, tolerance: 1e-6, threads });
      const cpu = process.cpuUsage(cpu0);
      return { seconds: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6, fit: f, load };
    };
    const rows: string[] = [];
    for (let r = 0; r < repeat; r++) {
      const two = ours(2);
      const load = loadavg()[0] ?? 0;
      const py = spawnSync(PYTHON, ['-c', SKLEARN, dir, JSON.stringify(shapes)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (py.status !== 0) throw new Error(`sklearn failed: ${py.stderr}`);
      const sk = (JSON.parse(py.stdout) as SklearnRun[])[0] as SklearnRun;
      const one = r === 0 ? ours(1) : undefined;
      const auc = rocAuc(
        test.y,
        logisticProba(two.fit.model, held.matrix).filter((_, k) => k % 2 === 1),
      );
      let coefDiff = Math.abs((two.fit.model.intercepts[0] as number) - sk.intercept);
      sk.coef.forEach((c, j) => (coefDiff = Math.max(coefDiff, Math.abs(c - (two.fit.model.weights[j] as number)))));
      rows.push(
        `run ${r + 1} (load ${two.load.toFixed(2)} / ${load.toFixed(2)}): tideflow 2 threads ${two.seconds.toFixed(2)} s (cpu ${two.cpu.toFixed(1)} s), ${two.fit.iterations} iterations / ${two.fit.evaluations} evaluations, objective ${two.fit.loss.toFixed(9)}, AUC ${auc.toFixed(6)}` +
          (one ? `; 1 thread ${one.seconds.toFixed(2)} s (cpu ${one.cpu.toFixed(1)} s)` : '') +
          ` | sklearn ${sk.seconds.toFixed(2)} s (cpu ${sk.cpu.toFixed(1)} s), ${sk.iterations} iterations, objective ${sk.objective.toFixed(9)}, AUC ${sk.auc.toFixed(6)} | ratio ${(two.seconds / sk.seconds).toFixed(2)}×, max |Δcoef| ${coefDiff.toExponential(2)}`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
