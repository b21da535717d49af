/** Backfills on the real dev server: concurrency cap, reprocess modes, running dates, cancel, dry run, paging, catchup. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { backfillProgress } from '../../client/backfill';
import { startDagRun } from '../../client/runs';
import { scheduleIdFor, syncSchedules } from '../../client/schedules';
import { backfillRunId, catchupWorkflowId, type BackfillProgress } from '../../core/backfill-plan';
import type { DagDefinition } from '../../core/model';
import { TRIGGER_KEY } from '../../core/search-attributes';
import { Worker } from '@temporalio/worker';
import { useHarnessWithWorker, testWorkflowBundle } from '../integration/harness';
import { backfill, dag, maxConcurrentRuns, starts, waitFor } from './helpers';

const h = useHarnessWithWorker('backfill', { namespace: 'backfill' });
afterAll(async () => {
  await syncSchedules(h.client, [], { taskQueue: h.taskQueue }).catch(() => undefined);
});

const byDate = (p: BackfillProgress) => Object.fromEntries(p.dates.map((d) => [d.logicalDate.slice(0, 10), d.state]));

describe('backfill', () => {
  it('runs 30 daily dates, never more than 5 at once', async () => {
    const { handle, progress } = await backfill(h, { from: '2024-01-01', to: '2024-01-30', maxActive: 5, params: { ms: 300 } });
    // Deterministic: its history replays on the current code.
    await Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, await handle.fetchHistory(), handle.workflowId);
    expect(progress).toMatchObject({ total: 30, succeeded: 30, failed: 0, skipped: 0, running: 0, pending: 0, done: true, aborted: false });
    expect(progress.peakRunning).toBe(5);
    const log = h.readLog();
    expect(maxConcurrentRuns(log, 't_backfill__backfill__2024-01-')).toBeLessThanOrEqual(5);
    const checks = starts(log, 'check', 't_backfill__backfill__2024-01-');
    expect(checks.size).toBe(30);
    expect([...checks.values()].every((n) => n === 1)).toBe(true);
    const child = await h.client.workflow.getHandle(backfillRunId('t_backfill', '2024-01-15T00:00:00.000Z')).describe();
    expect(child.typedSearchAttributes.get(TRIGGER_KEY)).toBe('backfill');
  });

  it('dry run lists the dates and starts nothing', async () => {
    const { progress } = await backfill(h, { from: '2024-02-01', to: '2024-02-05', dryRun: true, backwards: true });
    expect(progress.planned).toBe(5);
    expect(progress.dates.map((d) => d.logicalDate.slice(0, 10))).toEqual([
      '2024-02-05',
      '2024-02-04',
      '2024-02-03',
      '2024-02-02',
      '2024-02-01',
    ]);
    for (const d of progress.dates) {
      await expect(h.client.workflow.getHandle(d.workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });

  it('reprocess none skips, failed reruns failures, completed reruns everything; a running date is never restarted', async () => {
    const range = { from: '2024-03-01', to: '2024-03-06', maxActive: 6 };
    const first = await backfill(h, { ...range, params: { failOn: ['2024-03-02', '2024-03-04'] } });
    expect(first.progress).toMatchObject({ succeeded: 4, failed: 2 });
    expect(first.progress.dates.find((d) => d.state === 'failed')?.detail).toMatch(/check/);

    const none = await backfill(h, { ...range, reprocess: 'none' });
    expect(none.progress).toMatchObject({ succeeded: 0, failed: 0, skipped: 6 });

    const failed = await backfill(h, { ...range, reprocess: 'failed' });
    expect(failed.progress).toMatchObject({ succeeded: 2, failed: 0, skipped: 4 });
    expect(byDate(failed.progress)).toMatchObject({ '2024-03-02': 'succeeded', '2024-03-04': 'succeeded', '2024-03-01': 'skipped' });

    // A run of 03-06 (however started) is still running: even 'completed' leaves it alone.
    const blocker = await startDagRun(h.client, dag, {
      taskQueue: h.taskQueue,
      logicalDate: '2024-03-06T00:00:00Z',
      params: { ms: 4000 },
      workflowId: 'blocker-2024-03-06',
    });
    await waitFor('the blocking run to be visible', async () =>
      (await h.client.workflow.count(`WorkflowId = 'blocker-2024-03-06' AND ExecutionStatus = 'Running'`)).count === 1 ? true : undefined,
    );
    const completed = await backfill(h, { ...range, reprocess: 'completed' });
    expect(completed.progress).toMatchObject({ succeeded: 5, failed: 0, skipped: 1 });
    expect(completed.progress.dates.find((d) => d.logicalDate.startsWith('2024-03-06'))?.detail).toMatch(/still running/);
    await blocker.result();

    const checks = starts(h.readLog(), 'check', 't_backfill__backfill__2024-03-');
    // 03-02 and 03-04: failed (2 attempts), reprocessed, reprocessed again; the others: first run + completed.
    expect(Object.fromEntries(checks)).toMatchObject({
      [backfillRunId('t_backfill', '2024-03-01T00:00:00.000Z')]: 2,
      [backfillRunId('t_backfill', '2024-03-02T00:00:00.000Z')]: 4,
      [backfillRunId('t_backfill', '2024-03-06T00:00:00.000Z')]: 1,
    });
  });

  it('cancel cancels the running children and reports the rest as not started', async () => {
    const handle = await (
      await import('../../client/backfill')
    ).startBackfill(h.client, dag, { taskQueue: h.taskQueue, from: '2024-04-01', to: '2024-04-10', maxActive: 2, params: { ms: 5000 } });
    await waitFor('two running children', async () =>
      (await backfillProgress(h.client, handle.workflowId)).running === 2 ? true : undefined,
    );
    await handle.cancel();
    const progress = (await handle.result()) as BackfillProgress;
    await Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, await handle.fetchHistory(), handle.workflowId);
    expect(progress).toMatchObject({ aborted: true, cancelled: 2, succeeded: 0, running: 0, pending: 8 });
    const cancelledIds = progress.dates.filter((d) => d.state === 'cancelled').map((d) => d.workflowId);
    for (const id of cancelledIds) expect((await h.client.workflow.getHandle(id).describe()).status.name).toBe('CANCELLED');
    expect(progress.dates.filter((d) => d.state === 'pending').every((d) => d.detail === 'not started: backfill cancelled')).toBe(true);
  });

  it('pages with continue-as-new, backwards, keeping counters and failures', async () => {
    const { handle, progress } = await backfill(h, {
      from: '2024-05-01',
      to: '2024-05-10',
      pageSize: 4,
      maxActive: 2,
      backwards: true,
      params: { ms: 50, failOn: ['2024-05-09'] },
    });
    expect(progress).toMatchObject({ total: 10, succeeded: 9, failed: 1, generation: 2, done: true });
    // Kept from earlier pages: the failure; the last page's dates in full.
    expect(progress.dates.map((d) => `${d.logicalDate.slice(0, 10)} ${d.state}`)).toEqual([
      '2024-05-09 failed',
      '2024-05-02 succeeded',
      '2024-05-01 succeeded',
    ]);
    expect(progress.omitted).toBe(7);
    const log = h
      .readLog()
      .filter((e) => e.workflowId.startsWith('t_backfill__backfill__2024-05-') && e.taskId === 'wait' && e.event === 'start');
    const order = [...log].sort((a, b) => a.at - b.at).map((e) => e.workflowId.slice(-24, -14));
    expect(order[0]).toMatch(/2024-05-(10|09)/);
    expect(order.at(-1)).toMatch(/2024-05-0[12]/);
    const runs = await h.client.workflow.count(`WorkflowId = '${handle.workflowId}'`);
    expect(runs.count).toBe(3);
  });

  it('a large range (three years of daily dates, dry run) pages through continue-as-new with the default page size', async () => {
    const { handle, progress } = await backfill(h, { from: '2021-01-01', to: '2023-12-31', dryRun: true });
    expect(progress).toMatchObject({ total: 1095, planned: 1095, generation: 2, done: true });
    expect(progress.dates).toHaveLength(1095);
    expect(progress.dates[0]?.logicalDate).toBe('2021-01-01T00:00:00.000Z');
    expect(progress.dates.at(-1)?.logicalDate).toBe('2023-12-31T00:00:00.000Z');
    expect((await h.client.workflow.count(`WorkflowId = '${handle.workflowId}'`)).count).toBe(3);
  });

  it('catchup: creating the schedule of a catchup DAG with a past start date backfills the missed intervals', async () => {
    const day = 86_400_000;
    const today = Math.floor(Date.now() / day) * day;
    const startDate = new Date(today - 3 * day).toISOString();
    const catchupDag = { ...dag, schedule: { ...dag.schedule, cron: '0 0 * * *', catchup: true, startDate } } as DagDefinition;
    const changes = await syncSchedules(h.client, [catchupDag], { taskQueue: h.taskQueue });
    const id = catchupWorkflowId('t_backfill', new Date(startDate));
    expect(changes[0]?.detail).toContain(id);
    const progress = (await h.client.workflow.getHandle(id).result()) as BackfillProgress;
    // A date that already has a run is skipped (reprocess 'none'), as Airflow's catchup would: other
    // test files on this shared server (the drift controller's) may have run t_backfill for yesterday.
    expect(progress).toMatchObject({ total: 3, failed: 0 });
    expect(progress.succeeded + progress.skipped).toBe(3);
    expect(progress.dates.map((d) => d.logicalDate)).toEqual([0, 1, 2].map((i) => new Date(today - (3 - i) * day).toISOString()));
    // A second sync changes nothing and starts no second catchup.
    expect((await syncSchedules(h.client, [catchupDag], { taskQueue: h.taskQueue }))[0]?.action).toBe('unchanged');
    await h.client.schedule.getHandle(scheduleIdFor('t_backfill')).delete();
  });

  it('catchup: an update that turns catchup on (with an earlier start) backfills the missed intervals', async () => {
    const day = 86_400_000;
    const today = Math.floor(Date.now() / day) * day;
    const plain = { ...dag, schedule: { ...dag.schedule, cron: '0 0 * * *' } } as DagDefinition;
    expect((await syncSchedules(h.client, [plain], { taskQueue: h.taskQueue }))[0]?.action).toBe('create');
    const startDate = new Date(today - 2 * day).toISOString();
    const withCatchup = { ...dag, schedule: { ...dag.schedule, cron: '0 0 * * *', catchup: true, startDate } } as DagDefinition;
    const changes = await syncSchedules(h.client, [withCatchup], { taskQueue: h.taskQueue });
    const id = catchupWorkflowId('t_backfill', new Date(startDate));
    expect(changes[0]).toMatchObject({ action: 'update', detail: expect.stringContaining(id) });
    const progress = (await h.client.workflow.getHandle(id).result()) as BackfillProgress;
    expect(progress).toMatchObject({ total: 2, failed: 0 });
    await h.client.schedule.getHandle(scheduleIdFor('t_backfill')).delete();
  });
});
