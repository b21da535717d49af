/**
 * The DAG engine on a real Temporal dev server and a real MinIO (started by the global setup).
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import { isOutputRef } from '../../core/output-ref';
import type { RunView } from '../../core/run-view';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY } from '../../core/search-attributes';
import { startDagRun } from '../../client/runs';
import { parseS3Uri } from '../../storage/s3-uri';
import { createS3Client } from '../../storage/s3-client';
import { bigData, branching, corrupted, failing, fanOut, intervals, oneAtATime, parallel, retries, slowChain } from '../fixtures/dags';
import { cancelRun, runToEnd, statesOf, taskOf, untilTaskStarts, useHarnessWithWorker } from './harness';

const h = useHarnessWithWorker('engine');

const run = (dag: DagDefinition, params: Record<string, unknown> = {}) => runToEnd(h, dag, params);
const task = taskOf;

describe('DAG engine on real servers', () => {
  it('runs parallel tasks in dependency order, never more than maxActiveTasks at once', async () => {
    const { view, workflowId } = await run(parallel);
    expect(view.status).toBe('success');
    const log = h.readLog().filter((e) => e.workflowId === workflowId);
    const span = (id: string) => ({
      start: log.find((e) => e.taskId === id && e.event === 'start')?.at ?? NaN,
      end: log.find((e) => e.taskId === id && e.event === 'end')?.at ?? NaN,
    });
    for (const mid of ['b', 'c', 'd', 'e']) expect(span(mid).start).toBeGreaterThanOrEqual(span('a').end);
    for (const mid of ['b', 'c', 'd', 'e']) expect(span('f').start).toBeGreaterThanOrEqual(span(mid).end);
    // Concurrency from the log: sweep start/end events in time order.
    const events = log.flatMap((e) => [{ at: e.at, d: e.event === 'start' ? 1 : -1 }]).sort((x, y) => x.at - y.at || x.d - y.d);
    let active = 0;
    let peak = 0;
    for (const ev of events) peak = Math.max(peak, (active += ev.d));
    expect(peak).toBe(2);
  });

  it('retries a task that fails twice, per its policy, and records the attempts', async () => {
    const { view, workflowId } = await run(retries, { failures: 2 });
    expect(view.status).toBe('success');
    expect(task(view, 'flaky')).toMatchObject({ state: 'success', attempts: 3, output: 'succeeded on attempt 3' });
    expect(
      h
        .readLog()
        .filter((e) => e.workflowId === workflowId && e.taskId === 'flaky')
        .map((e) => `${e.attempt}:${e.event}`),
    ).toEqual(['1:start', '2:start', '3:start', '3:end']);
  });

  it('fails a run on a permanently failing task, marks downstream upstream_failed and names the task', async () => {
    const { view, error, workflowId } = await run(failing);
    expect(view.status).toBe('failed');
    expect(statesOf(view)).toEqual({
      ok: 'success',
      boom: 'failed',
      permanent: 'failed',
      downstream: 'upstream_failed',
      cleanup: 'success',
      on_failure: 'success',
      never: 'upstream_failed',
    });
    expect(error).toContain("task(s) 'boom'");
    expect(error).toContain("'permanent'");
    expect(task(view, 'boom')).toMatchObject({ attempts: 3 });
    expect(task(view, 'boom').error).toContain('disk on fire');
    // Non-retryable by type: one attempt only.
    expect(task(view, 'permanent')).toMatchObject({ attempts: 1 });
    expect(h.readLog().filter((e) => e.workflowId === workflowId && e.taskId === 'permanent')).toHaveLength(1);
  });

  it('follows the chosen branch and skips the other; a short-circuit skips what follows', async () => {
    const left = await run(branching, { path: 'left', proceed: true });
    expect(statesOf(left.view)).toMatchObject({
      left: 'success',
      right: 'skipped',
      join: 'success',
      gate: 'success',
      after_gate: 'success',
      final: 'success',
    });
    const right = await run(branching, { path: 'right', proceed: false });
    expect(statesOf(right.view)).toMatchObject({
      left: 'skipped',
      right: 'success',
      join: 'success',
      gate: 'success',
      after_gate: 'skipped',
      final: 'skipped',
    });
    expect(right.view.status).toBe('success');
    expect(task(right.view, 'after_gate').note).toBe("short-circuited by 'gate'");
  });

  it('fans out over a list produced at run time, bounded, and collects the results', async () => {
    const { view, workflowId } = await run(fanOut, { xs: [1, 2, 3, 4, 5, 6, 7] });
    expect(task(view, 'square')).toMatchObject({
      state: 'success',
      output: [1, 4, 9, 16, 25, 36, 49],
      mapped: { total: 7, succeeded: 7, failed: 0 },
    });
    expect(task(view, 'total').output).toBe(140);
    const instances = h.readLog().filter((e) => e.workflowId === workflowId && e.taskId === 'square');
    expect(instances.map((e) => e.mapIndex).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // An empty list skips the mapped task (Airflow: zero-length expand).
    const empty = await run(fanOut, { xs: [] });
    expect(statesOf(empty.view)).toMatchObject({ list: 'success', square: 'skipped', total: 'skipped' });
  });

  it('rejects invalid params before any task runs, listing every problem', async () => {
    // Start the way the Web UI does (type name + JSON input), bypassing the CLI's own check.
    const handle = await h.client.workflow.start('t_retries', {
      taskQueue: h.taskQueue,
      workflowId: `bad-params-${Date.now()}`,
      args: [{ params: { failures: 'two', extra: 1 } }],
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidParams');
    expect(cause?.message).toContain('failures: Invalid input: expected number, received string');
    // Unknown keys are rejected too (not dropped), naming the nearest known key.
    expect(cause?.message).toContain("(root): unknown key 'extra'; known: failures");
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
    expect(h.readLog().filter((e) => e.workflowId === handle.workflowId)).toHaveLength(0);
  });

  it('rejects malformed input and unknown DAG types with clear errors', async () => {
    const bad = await h.client.workflow.start('t_retries', {
      taskQueue: h.taskQueue,
      workflowId: `bad-input-${Date.now()}`,
      args: [{ failures: 2 }],
    });
    await expect(bad.result()).rejects.toMatchObject({ cause: { message: expect.stringContaining('Expected {"params": {...}') } });
    const unknown = await h.client.workflow.start('no_such_dag', { taskQueue: h.taskQueue, workflowId: `unknown-${Date.now()}`, args: [] });
    await expect(unknown.result()).rejects.toMatchObject({ cause: { message: expect.stringContaining("No DAG named 'no_such_dag'") } });
  });

  it('answers the state query while running and after completion', async () => {
    const handle = await startDagRun(h.client, parallel, { taskQueue: h.taskQueue });
    let midRun: RunView | undefined;
    for (let i = 0; i < 100 && !midRun; i++) {
      const v = await handle.query<RunView>('state');
      if (v.tasks.some((t) => t.state === 'running') && v.tasks.some((t) => t.state === 'success')) midRun = v;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(midRun?.status).toBe('running');
    expect(midRun?.tasks.find((t) => t.id === 'a')).toMatchObject({
      state: 'success',
      attempts: 1,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    expect(midRun?.tasks.find((t) => t.id === 'f')?.state).toBe('pending');
    await handle.result();
    const done = await handle.query<RunView>('state');
    expect(done.status).toBe('success');
    expect(done.tasks.every((t) => t.state === 'success')).toBe(true);
  });

  it('sets the Tideflow search attributes, also on runs started like the Web UI does', async () => {
    const logicalDate = '2024-03-01T03:00:00.000Z';
    const viaCli = await startDagRun(h.client, retries, { taskQueue: h.taskQueue, params: { failures: 0 }, logicalDate });
    await viaCli.result();
    const uiStyle = await h.client.workflow.start('t_retries', {
      taskQueue: h.taskQueue,
      workflowId: `ui-style-${Date.now()}`,
      args: [{ params: { failures: 0 } }],
    });
    const summary = (await uiStyle.result()) as RunView;
    expect(summary).toMatchObject({ status: 'success', trigger: 'manual', dagId: 't_retries' });
    const a = (await viaCli.describe()).typedSearchAttributes;
    expect(a.get(DAG_KEY)).toBe('t_retries');
    expect(a.get(TRIGGER_KEY)).toBe('manual');
    expect(a.get(LOGICAL_DATE_KEY)?.toISOString()).toBe(logicalDate);
    const b = (await uiStyle.describe()).typedSearchAttributes;
    expect(b.get(DAG_KEY)).toBe('t_retries');
    expect(b.get(TRIGGER_KEY)).toBe('manual');
    expect(b.get(LOGICAL_DATE_KEY)).toBeInstanceOf(Date);
    // Visibility is eventually consistent: poll the list query briefly.
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length < 1; i++) {
      found = [];
      for await (const wf of h.client.workflow.list({
        query: `TideflowDag = 't_retries' AND TideflowTrigger = 'manual' AND TideflowLogicalDate >= '2024-03-01T00:00:00Z' AND TideflowLogicalDate < '2024-03-02T00:00:00Z'`,
      }))
        found.push(wf.workflowId);
      if (found.length < 1) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toEqual([viaCli.workflowId]);
  });

  it('passes a large output through S3 by reference', async () => {
    const { view } = await run(bigData, { bytes: 400_000 });
    expect(view.status).toBe('success');
    expect(task(view, 'measure').output).toBe(400_000);
    const ref = task(view, 'big').output;
    expect(isOutputRef(ref)).toBe(true);
    if (!isOutputRef(ref)) return;
    expect(ref.bytes).toBeGreaterThan(400_000);
    const { bucket, key } = parseS3Uri(ref.uri);
    const head = await createS3Client(h.config.s3).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(ref.bytes);
    // Nothing near the payload limit entered history.
    const handle = h.client.workflow.getHandle(view.workflowId);
    const history = await handle.fetchHistory();
    // Count payload bytes as bytes (JSON.stringify would inflate a Uint8Array several-fold).
    const sizes = (history.events ?? []).map(
      (e) => JSON.stringify(e, (_k, v: unknown) => (v instanceof Uint8Array ? 'x'.repeat(v.length) : v)).length,
    );
    expect(Math.max(...sizes)).toBeLessThan(64 * 1024);
  });

  it('gives tasks the logical date, ds and data interval (Airflow 2 cron semantics, DAG timezone)', async () => {
    const explicit = await startDagRun(h.client, intervals, { taskQueue: h.taskQueue, logicalDate: '2024-03-30T02:00:00Z' });
    const view = (await explicit.result()) as RunView;
    // 03:00 Paris is 02:00Z in winter; the interval containing it ends at the next 03:00 Paris, 01:00Z after the DST change.
    expect(task(view, 'dates').output).toEqual({
      logicalDate: '2024-03-30T02:00:00.000Z',
      ds: '2024-03-30',
      start: '2024-03-30T02:00:00.000Z',
      end: '2024-03-31T01:00:00.000Z',
    });
    expect(view).toMatchObject({ dataIntervalStart: '2024-03-30T02:00:00.000Z', dataIntervalEnd: '2024-03-31T01:00:00.000Z' });
    // No logical date: the latest completed interval, which ends at or before the start time.
    const latest = (await (await startDagRun(h.client, intervals, { taskQueue: h.taskQueue })).result()) as RunView;
    const end = Date.parse(latest.dataIntervalEnd);
    expect(end).toBeLessThanOrEqual(Date.parse(latest.startedAt));
    expect(Date.parse(latest.startedAt) - end).toBeLessThan(25 * 3_600_000);
    expect(latest.logicalDate).toBe(latest.dataIntervalStart);
  });

  it('records a cancelled run as cancelled, with its unfinished tasks ended', async () => {
    const handle = await startDagRun(h.client, slowChain, { taskQueue: h.taskQueue });
    await untilTaskStarts(h, handle.workflowId, 'slow');
    const view = await cancelRun(handle);
    expect(task(view, 'first').state).toBe('success');
    expect(task(view, 'slow').state).toBe('failed');
    expect(task(view, 'slow').error).toMatch(/cancel/i);
    expect(task(view, 'last').state).toBe('upstream_failed');
  });

  it('fails a task at once, naming the upstream, when an output it needs was corrupted in S3', async () => {
    const { view, error, workflowId } = await run(corrupted);
    expect(view.status).toBe('failed');
    expect(task(view, 'measure')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(task(view, 'measure').error).toMatch(/InvalidArtifact: output of upstream task 'big': s3:\/\/.+ is corrupted/);
    expect(error).toContain("'measure'");
    expect(h.readLog().filter((e) => e.workflowId === workflowId && e.taskId === 'measure')).toHaveLength(0);
  });

  it("queues manual runs over the DAG's maxActiveRuns and runs them one after another", async () => {
    const handles = [];
    for (let i = 0; i < 3; i++) {
      handles.push(await startDagRun(h.client, oneAtATime, { taskQueue: h.taskQueue, params: { ms: 1500 } }));
      // Different seconds: "earlier" is judged on start times to the second.
      await new Promise((r) => setTimeout(r, 1100));
    }
    const states = await Promise.all(handles.map((x) => x.query<RunView>('state')));
    expect(states.filter((v) => v.status === 'queued').length).toBeGreaterThanOrEqual(1);
    await Promise.all(handles.map((x) => x.result()));
    const spans = handles.map((x) => {
      const log = h.readLog().filter((e) => e.workflowId === x.workflowId && e.taskId === 'work');
      return { start: log.find((e) => e.event === 'start')?.at ?? NaN, end: log.find((e) => e.event === 'end')?.at ?? NaN };
    });
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++)
      expect((spans[i] as { start: number }).start).toBeGreaterThanOrEqual((spans[i - 1] as { end: number }).end);
  });
});
