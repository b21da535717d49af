/**
 * The monitoring loop closed, on the real stack (Temporal, MinIO, the fastify prediction server,
 * real HTTP): ml_retrain trains and promotes v1 on generated data → the server serves it → drifted
 * production traffic (x1 shifted, and the label now follows x2) is logged → `tideflow predictions
 * label` joins the labels → drift_monitor reads the day partition of the log (ds) and finds data
 * drift and performance drift → its alert makes the model's controller run ml_retrain on fresh data
 * → the gate blesses v2 and promotes it → the server hot-swaps and answers with v2.
 * Small data and one trial, so it stays short; the wall times are printed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DriftComputeOutput } from '../../activities/drift/monitor';
import { runCli } from '../../cli/main';
import { driftStatus } from '../../client/drift';
import { startDagRun, waitForRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import driftMonitor from '../../dags/drift_monitor';
import mlRetrain from '../../dags/ml_retrain';
import type { PerformanceDrift } from '../../ml/drift/performance-compare';
import { CONTROLLER_WORKFLOW, controllerWorkflowId, type ControllerInput, type ControllerStatus } from '../../mlops/retrain-policy';
import { getAlias, getVersionByAlias, listVersions } from '../../registry';
import { waitFor } from '../backfill/helpers';
import { captureIo } from '../cli/helpers';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';
import { post, useServer, type Json } from '../serve/helpers';
import { performance, retrainParams, rows, type Row } from './closed-loop-data';

const h = useHarnessWithWorker('closed-loop');
const serving = useServer(h, {
  pollMs: 200,
  log: { enabled: true, maxRows: 5000, maxDelayMs: 300, maxBufferedRows: 10_000 },
});
const dir = mkdtempSync(join(tmpdir(), 'tideflow-loop-'));

function writeJson(name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

async function score(model: string, batch: Row[], requestId: string): Promise<{ version: number; predictions: string[] }> {
  const res = await post(
    `${serving.url}/models/${model}/invocations`,
    { dataframe_records: batch.map(({ x1, x2, c }) => ({ x1, x2, c })) },
    { 'x-request-id': requestId },
  );
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  const body = res.json as Json;
  return { version: body.version as number, predictions: (body.predictions as Json[]).map((p) => p.prediction as string) };
}

const accuracy = (truth: Row[], predicted: string[]): number => truth.filter((r, i) => r.y === predicted[i]).length / truth.length;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

describe('the closed monitoring loop', () => {
  it('serve v1 → drifted traffic, labelled → drift_monitor on the log partition → alert → retrain → gate → promote → the server answers with v2', async () => {
    const t0 = Date.now();
    const model = `loop-${Math.random().toString(36).slice(2, 7)}`;
    const times: Record<string, string> = {};

    // 1. v1: trained on the data before the drift, blessed and promoted by ml_retrain.
    const v1 = await runToEnd(h, mlRetrain as DagDefinition, retrainParams(model, writeJson('before.json', rows(400, 1, false))));
    expect(v1.view.status, v1.error).toBe('success');
    expect((await getVersionByAlias(h.store, model, 'champion')).version).toBe(1);
    times['v1 trained and promoted'] = seconds(Date.now() - t0);

    // The model's retraining controller, set up as an operator would: retrain on the freshly labelled data.
    const controller: ControllerInput = {
      model,
      debounceSeconds: 0.5,
      cooldownSeconds: 600,
      params: retrainParams(model, writeJson('after.json', rows(400, 2, true))),
    };
    await h.client.workflow.start(CONTROLLER_WORKFLOW, {
      workflowId: controllerWorkflowId(model),
      taskQueue: h.taskQueue,
      args: [controller],
    });

    // 2. Production traffic after the drift: 20 requests of 10 rows, over real HTTP; all answered by v1.
    const day = new Date().toISOString().slice(0, 10);
    const traffic = rows(200, 3, true);
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: `${model}-req-${i}`, batch: traffic.slice(i * 10, i * 10 + 10) }));
    const v1Predictions: string[] = [];
    for (const r of requests) {
      const answer = await score(model, r.batch, r.id);
      expect(answer.version).toBe(1);
      v1Predictions.push(...answer.predictions);
    }
    await serving.server.log?.flush();

    // Before any label: performance is 'insufficient labels' — reported, not drift, no alert
    //    (driftShare 1 here, so the moved feature alone does not alert either).
    const early = await startDagRun(h.client, driftMonitor as DagDefinition, {
      taskQueue: h.taskQueue,
      logicalDate: `${day}T12:00:00Z`,
      params: { model, currentSource: { predictionLog: model }, driftShare: 1, performance },
    });
    const unlabeled = (await waitForRun(early)).view;
    const before = unlabeled && (taskOf(unlabeled, 'compute').output as DriftComputeOutput);
    expect(before?.window).toMatchObject({ rows: 200, labeledRows: 0, labelFiles: 0 });
    expect(before?.performance).toMatchObject({
      status: 'insufficient_labels',
      drifted: false,
      summary: `insufficient labels: 0 labeled rows < minLabeledRows 30 (no labels joined to s3://${h.store.bucket}/${h.store.prefix}predictions/${model}/dt=${day}/ yet (tideflow predictions label))`,
    });
    expect(unlabeled && taskOf(unlabeled, 'signal').output).toEqual({ signalled: false });

    // 3. The labels arrive later: `tideflow predictions label` joins them to the log by request id + row index.
    const csv = ['request_id,row_index,y', ...requests.flatMap((r) => r.batch.map((row, i) => `${r.id},${i},${row.y}`))].join('\n');
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, `${csv}\n`);
    const io = captureIo({ ...h.env });
    expect(await runCli(['predictions', 'label', model, labels, '--label-column', 'y'], io), io.err()).toBe(0);
    expect(io.out()).toContain('200 of 200 labels matched logged predictions');

    // 4. drift_monitor on the log: no day given, so the partition of the run's ds (logical date today).
    const handle = await startDagRun(h.client, driftMonitor as DagDefinition, {
      taskQueue: h.taskQueue,
      logicalDate: `${day}T12:00:00Z`,
      // One of the three features moving counts as dataset drift here (the default share is 0.5).
      // performance "auto": accuracy and ROC-AUC (a binary model), the label column from the labels files.
      params: { model, currentSource: { predictionLog: model }, driftShare: 0.3, performance: 'auto' },
    });
    const monitored = await waitForRun(handle);
    expect(monitored.view?.status, monitored.error).toBe('success');
    const view = monitored.view as NonNullable<typeof monitored.view>;
    const out = taskOf(view, 'compute').output as DriftComputeOutput;
    const partition = `s3://${h.store.bucket}/${h.store.prefix}predictions/${model}/dt=${day}/`;
    expect(out.window).toMatchObject({
      location: partition,
      day,
      version: 1,
      versions: { 1: 200 },
      rows: 200,
      labeledRows: 200,
      labelColumns: ['y'],
    });
    expect(out.reference).toMatchObject({ kind: 'version', version: 1, profile: true });
    // Data drift: x1 moved; x2 and c did not; y (the label) and the outputs are not compared.
    expect(out.columns.map((c) => c.column).sort()).toEqual(['c', 'x1', 'x2']);
    expect(out.driftedColumns).toEqual(['x1']);
    expect(out.drifted).toBe(true);
    // Performance drift, computed by hand from the answers v1 gave.
    const p = out.performance as PerformanceDrift;
    expect(p).toMatchObject({ status: 'drift', labeledRows: 200, champion: { version: 1 }, driftedMetrics: ['accuracy', 'roc_auc'] });
    const v1Accuracy = accuracy(traffic, v1Predictions);
    expect(p.metrics.find((m) => m.metric === 'accuracy')?.current).toBeCloseTo(v1Accuracy, 12);
    const recorded = (await listVersions(h.store, model))[0]?.metrics ?? {};
    expect(p.metrics.find((m) => m.metric === 'accuracy')?.champion).toBe(recorded['accuracy']);
    expect(p.metrics.find((m) => m.metric === 'roc_auc')).toMatchObject({ championKey: 'roc_auc', champion: recorded['roc_auc'] });
    expect(taskOf(view, 'signal').output).toEqual({ signalled: true, controller: controllerWorkflowId(model) });
    const report = captureIo({ ...h.env });
    expect(await runCli(['drift', 'report', handle.workflowId], report), report.err()).toBe(0);
    expect(report.out()).toMatch(/Window\s+s3:\/\/\S+\/dt=\d{4}-\d{2}-\d{2}\/ \(v1: 200 rows, 200 labeled\)/);
    expect(report.out()).toContain(partition);
    expect(report.out()).toMatch(/Reference\s+v1 training profile \(s3:\/\/.+\)/);
    expect(report.out()).toMatch(/Performance drift\s+YES \(accuracy, roc_auc\)/);
    times['traffic, labels, drift_monitor'] = seconds(Date.now() - t0);

    // 5. The alert makes the controller retrain; the gate blesses v2 and promotes it. Meanwhile a
    //    client keeps calling the server: every answer is a 200, and v2 answers soon after the promotion.
    const probe = { stop: false, statuses: [] as number[], firstV2At: undefined as number | undefined };
    const probing = (async () => {
      for (let i = 0; !probe.stop; i++) {
        const res = await post(`${serving.url}/models/${model}/invocations`, { dataframe_records: [{ x1: 1, x2: -1, c: 'a' }] });
        probe.statuses.push(res.status);
        if ((res.json as Json).version === 2) {
          probe.firstV2At ??= Date.now();
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const status = await waitFor<ControllerStatus>(
      'the drift retrain to finish',
      async () => {
        const s = await driftStatus(h.client, model);
        return s?.lastRetrain ? s : undefined;
      },
      150_000,
    );
    expect(status.lastRetrain).toMatchObject({ dagId: 'ml_retrain', outcome: 'succeeded', trigger: 'drift' });
    expect(status.lastRetrain?.alerts[0]).toMatchObject({
      fingerprint: `drift_monitor:${handle.workflowId}`,
      source: 'monitoring',
      labels: expect.objectContaining({ kind: 'data+performance', metrics: 'accuracy,roc_auc', window: partition, version: '1' }),
    });
    expect(status.lastRetrain?.alerts[0]?.reason).toMatch(/^dataset drift: 1\/3 columns \(x1\); performance drift: accuracy dropped from /);
    const champion = await getVersionByAlias(h.store, model, 'champion');
    expect(champion.version).toBe(2);
    expect(champion.source.workflowId).toBe(status.lastRetrain?.runId);
    times['retrained, gated, promoted'] = seconds(Date.now() - t0);

    await waitFor('the server to answer with v2', async () => probe.firstV2At, 10_000);
    probe.stop = true;
    await probing;
    expect(probe.statuses.every((s) => s === 200)).toBe(true);
    const promotedAt = Date.parse((await getAlias(h.store, model, 'champion'))?.events.at(-1)?.at ?? '');
    const swapMs = (probe.firstV2At as number) - promotedAt;
    expect(swapMs).toBeLessThan(5000);

    // 6. v2 answers the drifted traffic better than v1 did.
    const v2Predictions: string[] = [];
    for (const r of requests) {
      const answer = await score(model, r.batch, `${r.id}-v2`);
      expect(answer.version).toBe(2);
      v2Predictions.push(...answer.predictions);
    }
    const v2Accuracy = accuracy(traffic, v2Predictions);
    expect(v2Accuracy).toBeGreaterThan(v1Accuracy + 0.2);
    times['total'] = seconds(Date.now() - t0);
    console.log(
      `closed loop: v1 accuracy on the drifted traffic ${v1Accuracy.toFixed(3)}, v2 ${v2Accuracy.toFixed(3)}; ` +
        `alias → v2 answer ${swapMs} ms (${probe.statuses.length} probe requests, all 200); wall times ${JSON.stringify(times)}`,
    );
  }, 300_000);

  it('a day with no log: the run fails at once, naming the prefix it read', async () => {
    const model = `loop-empty-${Math.random().toString(36).slice(2, 7)}`;
    const res = await runToEnd(h, driftMonitor as DagDefinition, { model, currentSource: { predictionLog: model, day: '2001-02-03' } });
    expect(res.view.status).toBe('failed');
    const task = taskOf(res.view, 'compute');
    expect(task.state).toBe('failed');
    expect(task.error).toContain(
      `no production window for model '${model}' on 2001-02-03: nothing under s3://${h.store.bucket}/${h.store.prefix}predictions/${model}/dt=2001-02-03/`,
    );
    expect(task.attempts).toBe(1);
  }, 60_000);

  it('a log of another model than the monitored one, and performance "auto" on a table, are refused at trigger time', async () => {
    const err = await runToEnd(h, driftMonitor as DagDefinition, { model: 'a-model', currentSource: { predictionLog: 'b-model' } }).catch(
      (e: unknown) => String(e),
    );
    expect(String(err)).toContain("currentSource.predictionLog 'b-model' is not the monitored model 'a-model'");
    const auto = await runToEnd(h, driftMonitor as DagDefinition, { model: 'a-model', performance: 'auto' }).catch((e: unknown) =>
      String(e),
    );
    expect(String(auto)).toContain('performance "auto" needs a prediction-log window');
  }, 60_000);
});
