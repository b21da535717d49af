/**
 * Performance drift end to end on the real servers: a champion registered with known metrics; a
 * production window whose predictions are much worse than its labels → drift_monitor reports
 * performance drift (report artifact, CLI) and the model's controller starts exactly one retrain;
 * a window with good predictions → no signal; too few labels → 'insufficient labels', no signal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DriftComputeOutput } from '../../activities/drift/monitor';
import { parseTable } from '../../ml/io/parse';
import { buildProfile } from '../../activities/ml/profile';
import { driftReport } from '../../activities/drift/report-format';
import { getArtifact, putArtifact } from '../../activities/ml/store';
import { runCli } from '../../cli/main';
import { driftStatus } from '../../client/drift';
import type { PerformanceDrift } from '../../ml/drift/performance-compare';
import type { DagDefinition } from '../../core/model';
import { CONTROLLER_WORKFLOW, controllerWorkflowId, type ControllerInput, type ControllerStatus } from '../../mlops/retrain-policy';
import driftMonitor from '../../dags/drift_monitor';
import { promoteVersion, registerModelVersion } from '../../registry';
import { waitFor } from '../backfill/helpers';
import { captureIo } from '../cli/helpers';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';
import { artifact } from '../registry/fixtures';

type Penguin = Record<string, unknown>;
const h = useHarnessWithWorker('drift-performance');
let penguins: Penguin[];
let dir: string;

beforeAll(async () => {
  penguins = JSON.parse(readFileSync(join(__dirname, '../../node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Penguin[];
  dir = mkdtempSync(join(tmpdir(), 'tideflow-perf-'));
}, 180_000);

/** The production window: every row with a prediction; every 10th row's label not yet known. */
function writeWindow(name: string, predict: (species: string, i: number) => string): string {
  const rows = penguins.map((r, i) => ({
    ...r,
    Species: i % 10 === 0 ? null : r['Species'],
    predicted_species: predict(String(r['Species']), i),
  }));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(rows));
  return file;
}

/** Champion v1 with known metrics, and a baseline profile of the same penguins (so no data drift). */
async function registerChampion(model: string): Promise<void> {
  const store = h.store;
  const profile = await putArtifact(
    store,
    `${store.prefix}models/${model}/profiles/test.json`,
    buildProfile(parseTable(JSON.stringify(penguins), 'json', true).rows),
  );
  const run = `test-${model}`;
  await registerModelVersion(store, {
    name: model,
    model: await artifact(store, `model ${model}`),
    trainingData: [await artifact(store, `data ${model}`)],
    profile,
    metrics: { accuracy: 0.95, macroF1: 0.94, logLoss: 0.15, n: 67 },
    source: { dagId: 'ml_retrain', workflowId: run, runId: run, taskId: 'register' },
    idempotencyKey: `${run}/register`,
  });
  await promoteVersion(store, { name: model, version: 1, alias: 'champion', actor: 'test', reason: 'performance baseline' });
}

const performance = (o: Record<string, unknown> = {}) => ({
  predictionColumn: 'predicted_species',
  labelColumn: 'species',
  task: 'classification',
  metrics: [
    { name: 'accuracy', maxDrop: 0.05 },
    { name: 'macro_f1', maxRelativeDrop: 0.1 },
  ],
  ...o,
});

const labeled = () => penguins.filter((_, i) => i % 10 !== 0);
const uniq = (p: string): string => `${p}-${Math.random().toString(36).slice(2, 7)}`;

describe('drift_monitor: performance drift', () => {
  it('predictions much worse than the labels: performance drift, reported, and exactly one retrain', async () => {
    const model = uniq('perf');
    await registerChampion(model);
    // A fast retraining DAG and short debounce, so the test sees the controller act (no alert sent here).
    const controller: ControllerInput = { model, dagId: 't_backfill', debounceSeconds: 0.5, cooldownSeconds: 600, params: { ms: 100 } };
    await h.client.workflow.start(CONTROLLER_WORKFLOW, {
      workflowId: controllerWorkflowId(model),
      taskQueue: h.taskQueue,
      args: [controller],
    });

    const bad = writeWindow('bad', () => 'Adelie');
    const { view, workflowId } = await runToEnd(h, driftMonitor as DagDefinition, {
      model,
      currentSource: bad,
      performance: performance(),
    });
    expect(view.status).toBe('success');
    const out = taskOf(view, 'compute').output as DriftComputeOutput;
    expect(out.drifted).toBe(false); // the features did not move
    expect(out.columns.map((c) => c.column)).not.toContain('predicted_species');

    // Counted by hand: 344 rows, 35 without a label (every 10th), accuracy = Adelie share of the rest.
    const rest = labeled();
    const adelie = rest.filter((r) => r['Species'] === 'Adelie').length;
    const p = out.performance as PerformanceDrift;
    expect(p).toMatchObject({
      status: 'drift',
      drifted: true,
      rows: 344,
      labeledRows: 309,
      missingLabel: 35,
      missingPrediction: 0,
      champion: { version: 1 },
      driftedMetrics: ['accuracy', 'macro_f1'],
    });
    expect(rest).toHaveLength(309);
    const accuracy = p.metrics.find((m) => m.metric === 'accuracy');
    expect(accuracy?.current).toBeCloseTo(adelie / 309, 12);
    expect(accuracy).toMatchObject({ champion: 0.95, championKey: 'accuracy', verdict: 'drift' });
    expect(accuracy?.reason).toBe(
      `accuracy dropped from 0.95 (champion v1) to ${Number((adelie / 309).toFixed(4))} (−${Number((0.95 - adelie / 309).toFixed(4))} > 0.05)`,
    );
    // Macro F1 over the 3 classes present: Adelie's F1 = 2·adelie / (adelie + 309); the others 0.
    expect(p.metrics.find((m) => m.metric === 'macro_f1')).toMatchObject({ championKey: 'macroF1', champion: 0.94, verdict: 'drift' });
    expect(p.metrics.find((m) => m.metric === 'macro_f1')?.current).toBeCloseTo((2 * adelie) / (adelie + 309) / 3, 12);
    expect(taskOf(view, 'signal').output).toEqual({ signalled: true, controller: `tideflow-retrain__${model}` });

    // The report artifact carries the performance section.
    // Parsed by its declared format (activities/drift/report-format.ts): the performance section included.
    const report = driftReport.parse(await getArtifact(h.store, out.report), out.report.uri);
    expect(report.performance?.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['accuracy', 'drift'],
      ['macro_f1', 'drift'],
    ]);

    // The controller ran exactly one retrain for this alert, whose reason names the metric.
    const s = await waitFor<ControllerStatus>(
      'the retrain to finish',
      async () => {
        const st = await driftStatus(h.client, model);
        return st?.lastRetrain ? st : undefined;
      },
      60_000,
    );
    expect(s.history).toHaveLength(1);
    expect(s.lastRetrain).toMatchObject({ outcome: 'succeeded', trigger: 'drift' });
    expect(s.lastRetrain?.alerts).toEqual([
      expect.objectContaining({
        fingerprint: `drift_monitor:${workflowId}`,
        source: 'monitoring',
        labels: expect.objectContaining({ kind: 'performance', metrics: 'accuracy,macro_f1' }),
      }),
    ]);
    expect(s.lastRetrain?.alerts[0]?.reason).toContain('performance drift: accuracy dropped from 0.95 (champion v1)');
    expect(s.pending).toEqual([]);
    expect(s.alertsReceived).toBe(1);

    // `tideflow drift report <run>` shows the section.
    const io = captureIo({ ...h.env });
    expect(await runCli(['drift', 'report', workflowId], io)).toBe(0);
    expect(io.out()).toMatch(/Dataset drift\s+no/);
    expect(io.out()).toMatch(/Performance drift\s+YES \(accuracy, macro_f1\)/);
    expect(io.out()).toMatch(/Labeled rows\s+309 of 344 scored \(35 without a label, 0 without a prediction; minimum 30\)/);
    expect(io.out()).toMatch(/accuracy\s+0\.\d+\s+0\.95\s+−0\.\d+\s+0\.05\s+-\s+DRIFT\s+accuracy dropped from 0\.95 \(champion v1\)/);
    expect(io.out()).toMatch(/macro_f1\s+0\.\d+\s+0\.94\s+−0\.\d+\s+-\s+10%\s+DRIFT/);
  }, 180_000);

  it('good predictions: no performance drift and no signal; too few labels: insufficient labels, no signal', async () => {
    const model = uniq('perf-ok');
    await registerChampion(model);
    // Wrong on every 50th row only (rows 7, 57, …, 307: all labeled): accuracy 302/309 ≈ 0.977.
    const good = writeWindow('good', (species, i) => (i % 50 === 7 ? (species === 'Adelie' ? 'Gentoo' : 'Adelie') : species));
    const ok = await runToEnd(h, driftMonitor as DagDefinition, { model, currentSource: good, performance: performance() });
    expect(ok.view.status).toBe('success');
    const p = (taskOf(ok.view, 'compute').output as DriftComputeOutput).performance as PerformanceDrift;
    const wrong = penguins.map((_, i) => i).filter((i) => i % 50 === 7 && i % 10 !== 0).length;
    expect(p).toMatchObject({ status: 'ok', drifted: false, labeledRows: 309, driftedMetrics: [] });
    expect(p.metrics.find((m) => m.metric === 'accuracy')?.current).toBeCloseTo((309 - wrong) / 309, 12);
    expect(taskOf(ok.view, 'signal').output).toEqual({ signalled: false });

    const few = await runToEnd(h, driftMonitor as DagDefinition, {
      model,
      currentSource: writeWindow('bad-few', () => 'Adelie'),
      performance: performance({ minLabeledRows: 1000 }),
    });
    const q = (taskOf(few.view, 'compute').output as DriftComputeOutput).performance as PerformanceDrift;
    expect(q).toMatchObject({
      status: 'insufficient_labels',
      drifted: false,
      labeledRows: 309,
      summary: 'insufficient labels: 309 labeled rows < minLabeledRows 1000',
    });
    expect(taskOf(few.view, 'signal').output).toEqual({ signalled: false });
    expect(await driftStatus(h.client, model)).toBeUndefined();

    const io = captureIo({ ...h.env });
    expect(await runCli(['drift', 'report', few.workflowId], io)).toBe(0);
    expect(io.out()).toMatch(/Performance drift\s+insufficient labels/);
  }, 180_000);

  it('invalid performance params fail the run before any task, naming the problem', async () => {
    const res = await runToEnd(h, driftMonitor as DagDefinition, {
      model: uniq('perf-bad'),
      performance: performance({
        metrics: [
          { name: 'rmse', maxDrop: 1 },
          { name: 'log_loss', maxDrop: 0.1 },
        ],
      }),
    }).catch((err: unknown) => ({ error: String(err) }));
    expect(JSON.stringify(res)).toMatch(/'rmse' is a regression metric, but task is 'classification'/);
    expect(JSON.stringify(res)).toMatch(/'log_loss' needs performance.probabilityColumn/);
  }, 60_000);
});
