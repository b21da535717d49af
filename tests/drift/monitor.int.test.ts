/** The drift_monitor DAG on the real servers: a shifted production window → drift report → a drift signal to the controller. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DriftComputeOutput } from '../../activities/drift/monitor';
import { driftReport } from '../../activities/drift/report-format';
import { parseTable } from '../../ml/io/parse';
import { buildProfile } from '../../activities/ml/profile';
import { getArtifact, putArtifact } from '../../activities/ml/store';
import { runCli } from '../../cli/main';
import { driftStatus } from '../../client/drift';
import type { DagDefinition } from '../../core/model';
import driftMonitor from '../../dags/drift_monitor';
import { promoteVersion, registerModelVersion } from '../../registry';
import { artifact } from '../registry/fixtures';
import { PENGUIN_FEATURE_COLUMNS } from '../fixtures/penguins';
import { captureIo } from '../cli/helpers';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('drift-monitor');
let shifted: string;
let movedRows: Record<string, unknown>[];
beforeAll(async () => {
  const rows = JSON.parse(readFileSync(join(__dirname, '../../node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<
    string,
    unknown
  >[];
  const shift = (v: unknown, by: number) => (typeof v === 'number' ? v + by : v);
  const moved = rows.map((r) => ({
    ...r,
    'Beak Length (mm)': shift(r['Beak Length (mm)'], 8),
    'Flipper Length (mm)': shift(r['Flipper Length (mm)'], 25),
    'Body Mass (g)': shift(r['Body Mass (g)'], 1500),
  }));
  movedRows = moved;
  shifted = join(mkdtempSync(join(tmpdir(), 'tideflow-drift-')), 'penguins-shifted.json');
  writeFileSync(shifted, JSON.stringify(moved));
}, 180_000);

describe('drift_monitor', () => {
  it('same data: no drift, no signal; the report holds statistics and histograms', async () => {
    const model = `mon-${Math.random().toString(36).slice(2, 7)}`;
    const { view } = await runToEnd(h, driftMonitor as DagDefinition, { model });
    expect(view.status).toBe('success');
    const out = taskOf(view, 'compute').output as DriftComputeOutput;
    expect(out).toMatchObject({ drifted: false, share: 0, reference: { kind: 'source' } });
    expect(out.columns.map((c) => c.column).sort()).toEqual(PENGUIN_FEATURE_COLUMNS);
    expect(taskOf(view, 'signal').output).toEqual({ signalled: false });
    const stored = await getArtifact(h.store, out.report);
    // The report as written passes its declared format (activities/drift/report-format.ts).
    const report = driftReport.parse(stored, out.report.uri);
    expect(report.format).toBe('tideflow.drift-report');
    const mass = report.histograms.body_mass_g;
    expect(mass && 'edges' in mass ? mass.edges.length : 0).toBeGreaterThan(2);
    expect(await driftStatus(h.client, model)).toBeUndefined();
  }, 120_000);

  it('a shifted window drifts and signals the model controller once', async () => {
    const model = `mon-${Math.random().toString(36).slice(2, 7)}`;
    const { view, workflowId } = await runToEnd(h, driftMonitor as DagDefinition, { model, currentSource: shifted });
    expect(view.status).toBe('success');
    const out = taskOf(view, 'compute').output as DriftComputeOutput;
    expect(out.drifted).toBe(true);
    expect(out.driftedColumns).toEqual(expect.arrayContaining(['beak_length_mm', 'body_mass_g', 'flipper_length_mm']));
    expect(out.driftedColumns).not.toContain('island');
    expect(out.columns.find((c) => c.column === 'body_mass_g')).toMatchObject({ method: 'ks', drifted: true });
    expect(taskOf(view, 'signal').output).toMatchObject({ signalled: true, controller: `tideflow-retrain__${model}` });
    const s = await driftStatus(h.client, model);
    expect(s?.pending).toEqual([expect.objectContaining({ fingerprint: `drift_monitor:${workflowId}`, source: 'monitoring' })]);

    // `tideflow drift report <run>`: the verdict per column, as a table and as JSON.
    const io = captureIo({ ...h.env });
    expect(await runCli(['drift', 'report', workflowId], io)).toBe(0);
    expect(io.out()).toMatch(/Dataset drift\s+YES \(3\/6 columns drifted, share 0.50\)/);
    expect(io.out()).toMatch(/body_mass_g\s+ks\s+\S+\s+0.05\s+yes/);
    const json = captureIo({ ...h.env });
    expect(await runCli(['drift', 'report', workflowId, '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ model, drifted: true });
  }, 120_000);

  it("compares with the champion's reference profile when its version has one", async () => {
    const model = `mon-${Math.random().toString(36).slice(2, 7)}`;
    const store = h.store;
    // The profile holds the shifted rows; the training data is not even a table: only the profile can be the baseline.
    const normalized = parseTable(JSON.stringify(movedRows), 'json', true).rows;
    const profile = await putArtifact(store, `${store.prefix}models/${model}/profiles/test.json`, buildProfile(normalized));
    const run = `test-${model}`;
    await registerModelVersion(store, {
      name: model,
      model: await artifact(store, `model ${model}`),
      trainingData: [await artifact(store, `not a table ${model}`)],
      profile,
      source: { dagId: 'ml_retrain', workflowId: run, runId: run, taskId: 'register' },
      idempotencyKey: `${run}/register`,
    });
    await promoteVersion(store, { name: model, version: 1, alias: 'champion', actor: 'test', reason: 'profile baseline' });
    const { view } = await runToEnd(h, driftMonitor as DagDefinition, { model });
    expect(view.status).toBe('success');
    const out = taskOf(view, 'compute').output as DriftComputeOutput;
    expect(out.reference).toEqual({ kind: 'champion', version: 1, uri: profile.uri, profile: true });
    expect(out.drifted).toBe(true);
    expect(out.driftedColumns).toEqual(expect.arrayContaining(['beak_length_mm', 'body_mass_g', 'flipper_length_mm']));
  }, 120_000);
});
