/**
 * `tideflow runs retry` through the real launcher (bin/tideflow.js, its own process) against the
 * real dev server and an in-process worker: a failed run retried with fixed params (a test DAG,
 * which this CLI does not define: the worker plans), --params from a file, --from on a real
 * DAG, and the refusals as usage errors with a clear message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startDagRun, waitForRun } from '../../client/runs';
import type { RunView } from '../../core/run-view';
import exampleEtl from '../../dags/example_etl';
import { retryable } from '../fixtures/retry-dags';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';
import { runCliProcess } from './helpers';

const h = useHarnessWithWorker('retry-cli');
let env: Record<string, string> = {};

beforeAll(async () => {
  env = { ...inject('stack').env, TIDEFLOW_TASK_QUEUE: h.taskQueue };
});

describe('tideflow runs retry', () => {
  it('retries a failed run with params from a file and follows it; runs show names the original', async () => {
    const failed = await runToEnd(h, retryable, { failAt: 'check' });
    expect(failed.view.status).toBe('failed');
    const file = join(mkdtempSync(join(tmpdir(), 'retry-params-')), 'fix.json');
    writeFileSync(file, '{"failAt": ""}');

    const r = await runCliProcess(['runs', 'retry', failed.workflowId, '--params', file, '--json'], env, 90_000);
    expect(r.stderr).toContain(`Started a retry of t_retry`);
    expect(r.stderr).toContain(`retry of:     ${failed.workflowId} (run ${failed.view.runId})`);
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as RunView;
    expect(view.status).toBe('success');
    expect(view.workflowId).not.toBe(failed.workflowId);
    expect(view.retryOf).toEqual({ workflowId: failed.workflowId, runId: failed.view.runId });
    expect(taskOf(view, 'measure').cached).toEqual({ via: 'retry', workflowId: failed.workflowId, runId: failed.view.runId });
    expect(taskOf(view, 'check').cached).toBeUndefined();

    const shown = await runCliProcess(['runs', 'show', view.workflowId], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`Retry of: +${failed.workflowId} \\(run ${failed.view.runId}\\)`));
    expect(shown.stdout).toContain(`reused from ${failed.workflowId}`);
  });

  it('--from on a run that succeeded; refusals are usage errors naming what was wrong', async () => {
    const handle = await startDagRun(h.client, exampleEtl, { taskQueue: h.taskQueue, params: { rows: 50 } });
    expect((await waitForRun(handle)).error).toBeUndefined();
    const wf = handle.workflowId;

    const refused = await runCliProcess(['runs', 'retry', wf], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error: run '.*' \(run .*\) succeeded: there is no failure to re-run from\. Name the task to re-run/);
    const unknown = await runCliProcess(['runs', 'retry', wf, '--from', 'reprot'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown task 'reprot' to re-run from: DAG 'example_etl' has tasks extract, has_rows");
    const badParams = await runCliProcess(['runs', 'retry', wf, '--from', 'report', '--params', '{"rows": -1}'], env);
    expect(badParams.code).toBe(2);
    expect(badParams.stderr).toMatch(/Invalid params for DAG 'example_etl':\n {2}- rows:/);
    const missing = await runCliProcess(['runs', 'retry', 'no-such-run'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: no run 'no-such-run' in namespace");

    const started = await runCliProcess(['runs', 'retry', wf, '--from', 'report', '--no-wait', '--json'], env);
    expect(started.code, started.stderr).toBe(0);
    const ids = JSON.parse(started.stdout) as { workflowId: string; reuse: string[]; rerun: string[] };
    expect(ids.reuse).toEqual(['extract', 'regions', 'summarize_region']);
    expect(ids.rerun).toEqual(['report']);
    const outcome = await waitForRun(h.client.workflow.getHandle(ids.workflowId));
    expect(outcome.view?.status).toBe('success');
    expect(taskOf(outcome.view as RunView, 'summarize_region').cached?.workflowId).toBe(wf);
    expect(taskOf(outcome.view as RunView, 'report').cached).toBeUndefined();
  });
});
