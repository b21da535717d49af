/**
 * Re-run from failure on real servers (issue 15.2): a retry runs only the failed task and what
 * is downstream of it (or of --from), takes the rest from the original run with
 * `cached: {via: 'retry'}`, re-runs a reused task whose artifact is gone, refuses what it cannot
 * do with a clear message, and records its lineage. Both entry points: the client (the CLI's)
 * and the workflow input a person types in the Web UI.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { RetryError, startRetry, type RetryOptions } from '../../client/retry';
import { startDagRun, waitForRun } from '../../client/runs';
import { isOutputRef } from '../../core/output-ref';
import type { RunView } from '../../core/run-view';
import { dags } from '../../dags';
import { formatRun } from '../../cli/format-run';
import { readRunManifest } from '../../storage/artifacts/manifest';
import { slowChain, testDags } from '../fixtures/dags';
import { retryable } from '../fixtures/retry-dags';
import { useHarnessWithWorker, runToEnd, taskOf, testWorkflowBundle } from './harness';

const h = useHarnessWithWorker('retry');

/** Task ids whose activity ran in this workflow (the fixture activities log every start). */
const ranIn = (workflowId: string): string[] =>
  [
    ...new Set(
      h
        .readLog()
        .filter((e) => e.workflowId === workflowId && e.event === 'start')
        .map((e) => e.taskId),
    ),
  ].sort();

const cachedOf = (view: RunView): Record<string, unknown> =>
  Object.fromEntries(view.tasks.filter((t) => t.cached).map((t) => [t.id, t.cached]));

async function retry(o: Omit<RetryOptions, 'taskQueue'>) {
  const started = await startRetry(h.client, [...dags, ...testDags], { taskQueue: h.taskQueue, ...o });
  const outcome = await waitForRun(started.handle);
  if (!outcome.view) throw new Error(`retry ended without a summary: ${outcome.error}`);
  return { ...started, view: outcome.view, workflowId: started.handle.workflowId, error: outcome.error };
}

/** The Web UI way: start the DAG's workflow type with `retryOf` (and `from`, `params`) in the input. */
async function retryFromInput(input: Record<string, unknown>) {
  const workflowId = `t_retry__ui__${Math.random().toString(36).slice(2, 10)}`;
  const handle = await h.client.workflow.start('t_retry', { taskQueue: h.taskQueue, workflowId, args: [input] });
  return { workflowId, ...(await waitForRun(handle)) };
}

describe('re-run from failure', () => {
  let failed: { view: RunView; workflowId: string };
  let fixed: Awaited<ReturnType<typeof retry>>;

  beforeAll(async () => {
    failed = await runToEnd(h, retryable, { failAt: 'check' });
  });

  it('a run failing at a task, retried with the flag fixed, runs only that task and its downstream', async () => {
    expect(failed.view.status).toBe('failed');
    expect(taskOf(failed.view, 'check').state).toBe('failed');
    expect(taskOf(failed.view, 'report').state).toBe('upstream_failed');

    fixed = await retry({ workflowId: failed.workflowId, params: { failAt: '' } });
    expect(fixed.workflowId).not.toBe(failed.workflowId);
    expect(fixed.plan?.rerun).toEqual(['check', 'report']);
    expect(fixed.view.status).toBe('success');
    expect(ranIn(fixed.workflowId)).toEqual(['check', 'report']);
    const origin = { via: 'retry', workflowId: failed.workflowId, runId: failed.view.runId };
    expect(cachedOf(fixed.view)).toEqual({ extract: origin, big: origin, measure: origin, fan: origin });
    // Same logical date, the original's params under the override, and the lineage.
    expect(fixed.view.logicalDate).toBe(failed.view.logicalDate);
    expect(fixed.view.params).toEqual({ failAt: '', bytes: 300_000 });
    expect(fixed.view.retryOf).toEqual({ workflowId: failed.workflowId, runId: failed.view.runId });
    // Reused outputs reach the re-run tasks: the offloaded one as the same reference.
    expect(taskOf(fixed.view, 'big').output).toEqual(taskOf(failed.view, 'big').output);
    expect(taskOf(fixed.view, 'report').output).toEqual({ checked: 'succeeded on attempt 1' });

    const text = formatRun(fixed.view);
    expect(text).toContain(`Retry of:`);
    expect(text).toContain(`reused from ${failed.workflowId}`);

    const manifest = await readRunManifest(h.store, 't_retry', fixed.workflowId);
    expect(manifest?.retryOf).toEqual({ workflowId: failed.workflowId, runId: failed.view.runId });
    const big = manifest?.tasks.find((t) => t.taskId === 'big');
    expect(big?.cached).toEqual(origin);
    const ref = taskOf(failed.view, 'big').output;
    expect(isOutputRef(ref) && big?.wrote.map((a) => a.uri)).toEqual([isOutputRef(ref) && ref.uri]);
    expect(manifest?.tasks.find((t) => t.taskId === 'check')?.cached).toBeUndefined();
  });

  it("a retry's history replays deterministically, with its retry-reuse patch marker", async () => {
    const handle = h.client.workflow.getHandle(fixed.workflowId);
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, history, fixed.workflowId);
    const markers = (history.events ?? []).map((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data);
    const patches = markers
      .filter((d) => d !== undefined)
      .map((d) => (JSON.parse(Buffer.from(d as Uint8Array).toString()) as { id: string }).id);
    expect(patches).toContain('retry-reuse');
  });

  it('without the fix, the retry fails again at the same task, having run only it', async () => {
    const again = await retry({ workflowId: failed.workflowId });
    expect(again.view.status).toBe('failed');
    expect(again.error).toMatch(/'check'/);
    expect(ranIn(again.workflowId)).toEqual(['check']);
  });

  it('--from re-runs that task and everything downstream of it, also for a run that succeeded', async () => {
    const from = await retry({ workflowId: fixed.workflowId, from: 'measure' });
    expect(from.view.status).toBe('success');
    expect(ranIn(from.workflowId)).toEqual(['check', 'measure', 'report']);
    // Reused outputs name the run that computed them (the first run), not the retry in between.
    const origin = { via: 'retry', workflowId: failed.workflowId, runId: failed.view.runId };
    expect(cachedOf(from.view)).toEqual({ extract: origin, big: origin, fan: origin });
    expect(from.view.retryOf).toEqual({ workflowId: fixed.workflowId, runId: fixed.view.runId });
  });

  it('refuses, with a clear message: a successful run without --from, an unknown task, a running or unknown run', async () => {
    await expect(retry({ workflowId: fixed.workflowId })).rejects.toThrow(/succeeded: there is no failure to re-run from.*--from <task>/);
    await expect(retry({ workflowId: failed.workflowId, from: 'nope' })).rejects.toThrow(
      /unknown task 'nope' to re-run from: DAG 't_retry' has tasks extract, big, measure, check, report, fan/,
    );
    await expect(retry({ workflowId: 'no-such-run' })).rejects.toBeInstanceOf(RetryError);
    const live = await startDagRun(h.client, slowChain, { taskQueue: h.taskQueue });
    await expect(retry({ workflowId: live.workflowId })).rejects.toThrow(/is still running: wait for it to end, or cancel it/);
    await live.cancel();
    // The Web UI path says the same, as the run's failure.
    const ui = await retryFromInput({ retryOf: { workflowId: fixed.workflowId } });
    expect(ui.error).toMatch(/Invalid retry of DAG 't_retry': run '.*' \(run .*\) succeeded: there is no failure to re-run from/);
    const unknown = await retryFromInput({ retryOf: { workflowId: failed.workflowId }, from: 'nope' });
    expect(unknown.error).toMatch(/unknown task 'nope' to re-run from/);
    const orphan = await retryFromInput({ from: 'check' });
    expect(orphan.error).toMatch(/"from" names where a retry re-runs from; give the run to retry in "retryOf"/);
  });

  it('from the Web UI input: a reused output whose artifact was deleted is re-run, with everything downstream', async () => {
    const original = await runToEnd(h, retryable, { failAt: 'check' });
    const ref = taskOf(original.view, 'big').output;
    if (!isOutputRef(ref)) throw new Error('big should be offloaded to S3');
    const key = ref.uri.slice(`s3://${h.store.bucket}/`.length);
    await h.store.s3.send(new DeleteObjectCommand({ Bucket: h.store.bucket, Key: key }));

    const run = await retryFromInput({ retryOf: { workflowId: original.workflowId }, params: { failAt: '' } });
    expect(run.view?.status).toBe('success');
    expect(ranIn(run.workflowId)).toEqual(['big', 'check', 'measure', 'report']);
    const origin = { via: 'retry', workflowId: original.workflowId, runId: original.view.runId };
    expect(cachedOf(run.view as RunView)).toEqual({ extract: origin, fan: origin });
    expect(run.view?.retryOf).toEqual({ workflowId: original.workflowId, runId: original.view.runId });
  });

  it('an output too large for the summary (inline, 64–256 KB) is read from the history and reused', async () => {
    const original = await runToEnd(h, retryable, { failAt: 'check', bytes: 100_000 });
    expect(taskOf(original.view, 'big').output).toMatchObject({ omitted: expect.any(String) });
    const run = await retry({ workflowId: original.workflowId, params: { failAt: '' } });
    expect(run.view.status).toBe('success');
    expect(ranIn(run.workflowId)).toEqual(['check', 'report']);
    expect(taskOf(run.view, 'big').cached?.workflowId).toBe(original.workflowId);
    expect(taskOf(run.view, 'measure').output).toBe(100_000);
  });

  it('the state query reports reused tasks as cached, with the lineage', async () => {
    const run = await retryFromInput({ retryOf: { workflowId: failed.workflowId, runId: failed.view.runId }, from: 'report' });
    const state = await h.client.workflow.getHandle(run.workflowId).query<RunView>('state');
    expect(state.retryOf).toEqual({ workflowId: failed.workflowId, runId: failed.view.runId });
    // The original failed at check: from report still re-runs check (the failure) and report.
    expect(ranIn(run.workflowId)).toEqual(['check']);
    expect(taskOf(state, 'measure').cached?.via).toBe('retry');
    expect(taskOf(state, 'check').cached).toBeUndefined();
  });
});
