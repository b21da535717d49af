/**
 * `local: true` on real servers: local tasks run, retry, time out, offload large outputs, fan out,
 * record manifests and report state like normal tasks; only the history differs (markers
 * instead of activity events). Bad uses are refused when the worker loads the DAGs.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { activities } from '../../activities';
import { startDagRun, waitForRun } from '../../client/runs';
import { isOutputRef } from '../../core/output-ref';
import type { RunView } from '../../core/run-view';
import { ENGINE_LOCAL_ACTIVITIES } from '../../core/local-tasks';
import { readRunManifest } from '../../storage/artifacts/manifest';
import { createTideflowWorker, workerOptionsFromConfig } from '../../workers/create-worker';
import { testActivities } from '../fixtures/activities';
import { localRunOptions, localSlowChain, localTasks, localTimeout } from '../fixtures/local-dags';
import { cancelRun, runToEnd, statesOf, taskOf, testWorkflowBundle, untilTaskStarts, useHarnessWithWorker, type Harness } from './harness';

const h = useHarnessWithWorker('local');

type History = Awaited<ReturnType<ReturnType<Harness['client']['workflow']['getHandle']>['fetchHistory']>>;
/** temporal.api.enums.v1.EventType: ActivityTaskScheduled, MarkerRecorded. */
const SCHEDULED = 10;
const MARKER = 25;

/** The JSON payload of a marker's detail (sdk-core writes its marker data as JSON). */
function markerData(e: NonNullable<History['events']>[number], key: string): Record<string, unknown> | undefined {
  const bytes = e.markerRecordedEventAttributes?.details?.[key]?.payloads?.[0]?.data;
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>) : undefined;
}

/** Activity types scheduled on the server, those run as local activities, and the patches, in a history. */
function shape(history: History): { scheduled: string[]; local: string[]; patches: string[] } {
  const events = history.events ?? [];
  const markers = (name: string) =>
    events.filter((e) => (e.eventType as number) === MARKER && e.markerRecordedEventAttributes?.markerName === name);
  return {
    scheduled: events
      .filter((e) => (e.eventType as number) === SCHEDULED)
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?'),
    local: markers('core_local_activity').map((e) => String(markerData(e, 'data')?.['activity_type'])),
    patches: markers('core_patch').map((e) => String(markerData(e, 'patch-data')?.['id'])),
  };
}

describe('local tasks on real servers', () => {
  it('run, retry, fan out and offload like normal tasks; only the normal task reaches the activity task queue', async () => {
    const { view, workflowId } = await runToEnd(h, localTasks, { failures: 2, bytes: 300_000 });
    expect(view.status).toBe('success');
    expect(statesOf(view)).toEqual({
      big: 'success',
      measure: 'success',
      flaky: 'success',
      list: 'success',
      square: 'success',
      normal: 'success',
      recorded: 'success',
    });
    // 300 kB does not fit in history: it went to S3 and measure read it back from there.
    expect(isOutputRef(taskOf(view, 'big').output)).toBe(true);
    expect(taskOf(view, 'measure').output).toBe(300_000);
    expect(taskOf(view, 'flaky')).toMatchObject({ attempts: 3, output: 'succeeded on attempt 3' });
    expect(taskOf(view, 'square')).toMatchObject({ output: [1, 4, 9, 16], mapped: { total: 4, succeeded: 4, failed: 0 } });
    expect(taskOf(view, 'normal').output).toBe(30);
    const flakyStarts = h
      .readLog()
      .filter((e) => e.workflowId === workflowId && e.taskId === 'flaky')
      .map((e) => `${e.attempt}:${e.event}`);
    expect(flakyStarts).toEqual(['1:start', '2:start', '3:start', '3:end']);

    const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
    // One marker per local task instance (flaky's 3 attempts included), in completion order.
    const { scheduled, local, patches } = shape(history);
    expect(scheduled).toEqual(['work']);
    const tasks = local.filter((type) => !ENGINE_LOCAL_ACTIVITIES.has(type)); // run-level steps, not tasks
    expect(tasks).toEqual(['bigOutput', 'measure', 'flaky', 'emitList', 'square', 'square', 'square', 'square', 'noop']);
    expect(patches).toContain('local-activities');

    // The manifest-recording wrapper ran inside the local activity as it does in a normal one.
    const manifest = await readRunManifest(h.store, 't_local', workflowId);
    expect(manifest?.tasks.find((t) => t.taskId === 'recorded')).toMatchObject({ status: 'success', attempt: 1 });
  });

  it('its history replays against the workflow code', async () => {
    const handle = await startDagRun(h.client, localTasks, { taskQueue: h.taskQueue, params: { failures: 1 } });
    expect((await waitForRun(handle)).error).toBeUndefined();
    await Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, await handle.fetchHistory(), handle.workflowId);
  });

  it('times out an attempt past its start-to-close timeout, retries, then fails the task naming the timeout', async () => {
    const { view, error, workflowId } = await runToEnd(h, localTimeout);
    expect(view.status).toBe('failed');
    expect(taskOf(view, 'slow')).toMatchObject({ state: 'failed', attempts: 2 });
    expect(taskOf(view, 'slow').error).toMatch(/timed out/i);
    expect(taskOf(view, 'after').state).toBe('upstream_failed');
    expect(error).toContain("task(s) 'slow'");
    const starts = h.readLog().filter((e) => e.workflowId === workflowId && e.taskId === 'slow' && e.event === 'start');
    expect(starts.map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('answers the state query while a local task runs', async () => {
    const handle = await startDagRun(h.client, localSlowChain, { taskQueue: h.taskQueue });
    await untilTaskStarts(h, handle.workflowId, 'slow');
    const view = await handle.query<RunView>('state');
    expect(taskOf(view, 'first').state).toBe('success');
    expect(['running', 'success']).toContain(taskOf(view, 'slow').state);
    const summary = (await handle.result()) as RunView;
    expect(summary.status).toBe('success');
    expect(taskOf(summary, 'slow')).toMatchObject({ state: 'success', attempts: 1, output: 'slow done' });
  });

  it('records a run cancelled during a local task as cancelled, the local task ended', async () => {
    const handle = await startDagRun(h.client, localSlowChain, { taskQueue: h.taskQueue });
    await untilTaskStarts(h, handle.workflowId, 'slow');
    const view = await cancelRun(handle);
    expect(taskOf(view, 'slow').state).toBe('failed');
    expect(taskOf(view, 'slow').error).toMatch(/cancel/i);
    expect(taskOf(view, 'last').state).toBe('upstream_failed');
  });

  it("refuses a run whose params raise a local task's timeout past the limit, before any task runs", async () => {
    const handle = await startDagRun(h.client, localRunOptions, { taskQueue: h.taskQueue, params: { timeout: '1 minute' } });
    const outcome = await waitForRun(handle);
    expect(outcome.view).toBeUndefined();
    expect(outcome.error).toContain(
      "Invalid params for DAG 't_local_run_options': task 'quick': startToCloseTimeout \"1 minute\" exceeds 10s",
    );
    expect(h.readLog().filter((e) => e.workflowId === handle.workflowId)).toEqual([]);
    const ok = await runToEnd(h, localRunOptions, { timeout: '3s' });
    expect(ok.view.status).toBe('success');
  });

  it('a worker refuses to load a DAG that misuses local, naming the task and why', async () => {
    const connection = await NativeConnection.connect({ address: h.config.temporal.connection.address ?? 'localhost:7233' });
    try {
      const bad = { ...localTasks, tasks: localTasks.tasks.map((t) => (t.id === 'measure' ? { ...t, heartbeatTimeout: '5s' } : t)) };
      await expect(
        createTideflowWorker({
          connection,
          ...workerOptionsFromConfig(h.config),
          taskQueue: `${h.taskQueue}-refused`,
          dags: [bad],
          activities: { ...activities, ...testActivities },
          workflows: { workflowBundle: await testWorkflowBundle() },
        }),
      ).rejects.toThrow(/DAG 't_local', task 'measure': declares heartbeatTimeout "5s" but the DAG defaults to local: true/);
    } finally {
      await connection.close();
    }
  });
});
