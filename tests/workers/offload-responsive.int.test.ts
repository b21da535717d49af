/**
 * A worker stays responsive while a long fit runs (issue 11, part 1), on the real servers with a
 * real worker in this process: a 300k-row, 100-iteration gradient boosting trial (2-fold CV).
 * While it runs, heartbeats keep flowing (the task's heartbeat timeout is 5 s and it has one
 * attempt), the run's `state` query answers within a second, and this process's event loop lag
 * stays small (p99 < 200 ms; before the offload the fit blocked the loop for its whole length).
 * Cancelling the run terminates the fit's thread within seconds.
 *
 * The same for ingest of a large file (flights-3m.parquet, 3M rows, plus a derived column): the
 * parse, shaping and Arrow encoding run in a thread, so with a 5 s heartbeat timeout and one
 * attempt the task succeeds, new heartbeats are recorded by the server and the state query answers
 * while it runs; cancelling it ends the thread.
 *
 * And for the steps around training on the same 300k rows (validate, split, evaluate, register,
 * predict): the dataset's Arrow decode (the worker's dataset cache is emptied first), the split's
 * parsing, validation statistics, the split itself, scoring and the reference profile run in
 * threads, so each step succeeds with a 5 s heartbeat timeout and one attempt, the state query
 * answers within a second and the event loop's delay stays small.
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities } from '../../activities';
import { writeDataset } from '../../activities/ml/dataset';
import { datasetCache } from '../../activities/ml/dataset-cache';
import { trainModel } from '../../activities/ml/train-model';
import type { ArtifactRef } from '../../activities/ml/types';
import { runningJobs } from '../../activities/ml/offload/runner';
import type { TuneTrialInput } from '../../activities/ml/tune-trial';
import { getRunView, startDagRun, waitForRun } from '../../client/runs';
import type { RunView } from '../../core/run-view';
import type { DagDefinition } from '../../core/model';
import { dags } from '../../dags';
import { createTideflowWorker, workerOptionsFromConfig } from '../../workers/create-worker';
import { useHarnessWithoutWorker, type Harness } from '../integration/harness';
import { testContext } from '../ml/activity-env';
import { offloadFit, offloadIngest, offloadSteps, workerTestDags } from './fixtures/dags';
import { syntheticFrame } from './synthetic';
import { syntheticTrainingInputs } from './synthetic-training';

const ROWS = 300_000;
const threadCount = (): number => readdirSync('/proc/self/task').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const h = useHarnessWithoutWorker('offload');
let stopWorker: () => Promise<void>;
let tune: Omit<TuneTrialInput, 'trial'>;
let store: Harness['store'];
const trial = { index: 0, kind: 'gbt' as const, hyperparams: { maxIter: 100, earlyStopping: false } };

beforeAll(async () => {
  store = { ...h.store, prefix: `${h.store.prefix}offload-${Date.now()}/` };
  const dataset = await writeDataset(store, `${store.prefix}synthetic.arrow`, syntheticFrame(ROWS, 1));
  tune = { ...(await syntheticTrainingInputs(store, dataset)), folds: 2 };
  const connection = await NativeConnection.connect({ address: h.config.temporal.connection.address ?? '' });
  const worker = await createTideflowWorker({
    connection,
    ...workerOptionsFromConfig(h.config),
    dags: [...dags, ...workerTestDags],
    activities,
    workflows: {
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: join(__dirname, 'fixtures/workflows.ts'),
        logger: { log: () => {}, info: () => {}, warn: () => {}, error: console.error, debug: () => {}, trace: () => {} },
      }),
    },
  });
  const running = worker.run();
  stopWorker = async () => {
    worker.shutdown();
    await running;
    await connection.close();
  };
}, 300_000);

afterAll(async () => {
  await stopWorker?.();
});

async function startFit() {
  return startDagRun(h.client, offloadFit as DagDefinition, { taskQueue: h.taskQueue, params: { tune, trial } });
}

/** Wait until the tune task is running (its activity started on this worker). */
async function untilTuneRuns(workflowId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const view = await getRunView(h.client, workflowId);
    if (view.tasks.find((t) => t.id === 'tune')?.state === 'running' && runningJobs() > 0) return;
    await sleep(200);
  }
  throw new Error('the tune task never started');
}

/**
 * Waits for the run to end while asking its `state` query every `everyMs`, timing the answers given
 * while `busy(view)` holds, and measuring this process's event-loop delay meanwhile.
 */
async function watchRun(handle: Parameters<typeof waitForRun>[0], busy: (view: RunView) => boolean, everyMs: number) {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = Date.now();
  const queryMs: number[] = [];
  let ended = false;
  const done = waitForRun(handle).finally(() => (ended = true));
  while (!ended) {
    const t0 = Date.now();
    const view = await getRunView(h.client, handle.workflowId);
    if (busy(view)) queryMs.push(Date.now() - t0);
    await sleep(everyMs);
  }
  const outcome = await done;
  lag.disable();
  const wallMs = Date.now() - started;
  const p99 = lag.percentile(99) / 1e6;
  const summary =
    `state query: ${queryMs.length} answers, max ${Math.max(...queryMs)} ms; ` +
    `event-loop delay p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`;
  return { outcome, wallMs, queryMs, p99, summary };
}

describe('a long fit in a worker thread', () => {
  it('heartbeats flow, the state query answers within 1 s and the event loop stays free', async () => {
    const handle = await startFit();
    await untilTuneRuns(handle.workflowId);
    const {
      outcome,
      wallMs: fitMs,
      queryMs,
      p99,
      summary,
    } = await watchRun(handle, (view) => view.tasks.find((t) => t.id === 'tune')?.state === 'running', 1000);
    console.log(`fit ran ${fitMs} ms; ${summary}`);
    // The run has a single attempt and a 5 s heartbeat timeout: success means no heartbeat was missed.
    expect(outcome.error).toBeUndefined();
    expect(outcome.view?.status).toBe('success');
    // Longer than the 5 s heartbeat timeout: the run only succeeds if heartbeats flowed during the fit.
    expect(fitMs).toBeGreaterThan(6_000);
    expect(queryMs.length).toBeGreaterThan(5);
    // Most answers within 1 s: a single slow answer is the shared dev server (other test files run
    // workflows beside this one on 2 cores), not this worker, whose event-loop delay is checked below.
    const fast = queryMs.filter((ms) => ms < 1000).length;
    expect(fast / queryMs.length).toBeGreaterThanOrEqual(0.8);
    expect(p99).toBeLessThan(200);
  }, 600_000);

  it('cancelling the run terminates the fit thread within seconds', async () => {
    const baseline = threadCount();
    const handle = await startFit();
    await untilTuneRuns(handle.workflowId);
    await sleep(3000);
    expect(runningJobs()).toBe(1);
    expect(threadCount()).toBeGreaterThan(baseline);
    const t0 = Date.now();
    await handle.cancel();
    while (runningJobs() > 0 && Date.now() - t0 < 30_000) await sleep(100);
    const stoppedMs = Date.now() - t0;
    await sleep(500);
    console.log(`cancel → fit thread gone in ${stoppedMs} ms`);
    expect(runningJobs()).toBe(0);
    expect(stoppedMs).toBeLessThan(5000);
    expect(threadCount()).toBeLessThanOrEqual(baseline);
    const outcome = await waitForRun(handle);
    expect(outcome.view?.status ?? outcome.error).toMatch(/cancel/);
  }, 300_000);
});

const LARGE_SOURCE = 'npm:vega-datasets/data/flights-3m.parquet';

describe('ingest of a large file in a worker thread', () => {
  const startIngest = () =>
    startDagRun(h.client, offloadIngest as DagDefinition, { taskQueue: h.taskQueue, params: { source: LARGE_SOURCE } });

  it('heartbeats are recorded and the state query answers while the file is parsed', async () => {
    const handle = await startIngest();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const heartbeats = new Set<string>();
    let answersWhileRunning = 0;
    let outcome: Awaited<ReturnType<typeof waitForRun>> | undefined;
    const done = waitForRun(handle).then((o) => (outcome = o));
    while (!outcome) {
      const view = await getRunView(h.client, handle.workflowId);
      const running = view.tasks.find((t) => t.id === 'ingest')?.state === 'running' && runningJobs() > 0;
      if (running) {
        answersWhileRunning++;
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        for (const a of pending)
          if (a.lastHeartbeatTime?.seconds != null)
            heartbeats.add(`${String(a.lastHeartbeatTime.seconds)}.${a.lastHeartbeatTime.nanos ?? 0}`);
      }
      await sleep(500);
    }
    await done;
    lag.disable();
    console.log(
      `ingest: ${answersWhileRunning} state answers and ${heartbeats.size} distinct heartbeats seen while it ran; ` +
        `event-loop delay max ${(lag.max / 1e6).toFixed(1)} ms`,
    );
    // One attempt, 5 s heartbeat timeout: success means no heartbeat was missed during the parse.
    expect(outcome.error).toBeUndefined();
    expect(outcome.view?.status).toBe('success');
    expect(answersWhileRunning).toBeGreaterThanOrEqual(2);
    expect(heartbeats.size).toBeGreaterThanOrEqual(2);
    // In-process parsing held the loop for the whole parse (tens of seconds for this file).
    expect(lag.max / 1e6).toBeLessThan(5000);
  }, 600_000);

  it('cancelling the run during ingest terminates the parse thread', async () => {
    const handle = await startIngest();
    for (let i = 0; i < 600 && runningJobs() === 0; i++) await sleep(100);
    expect(runningJobs()).toBe(1);
    await handle.cancel();
    const t0 = Date.now();
    while (runningJobs() > 0 && Date.now() - t0 < 30_000) await sleep(100);
    expect(runningJobs()).toBe(0);
    const outcome = await waitForRun(handle);
    expect(outcome.view?.status ?? outcome.error).toMatch(/cancel/);
  }, 300_000);
});

describe('the steps around training on a large dataset, in worker threads', () => {
  let model: ArtifactRef;
  const modelName = `offload-steps-${Date.now()}`;

  beforeAll(async () => {
    const fitted = await trainModel(() => store)(
      {
        ...tune,
        modelName,
        trials: [{ index: 0, kind: 'gbt', hyperparams: { maxIter: 5 }, metric: 'accuracy', mean: 0, std: 0, perFold: [0], allMetrics: {} }],
      },
      testContext({ store }),
    );
    model = fitted.model;
  }, 300_000);

  it('validate, split, evaluate, register and predict: heartbeats flow, the state query answers within 1 s, the loop stays free', async () => {
    // Every step decodes the dataset again in this worker, as a fresh worker process would.
    datasetCache().clear();
    const schema = { columns: { x0: { type: 'number' }, region: { type: 'string' }, label: { type: 'string' } } };
    const handle = await startDagRun(h.client, offloadSteps as DagDefinition, {
      taskQueue: h.taskQueue,
      params: { dataset: tune.dataset, schema, model, modelName },
    });
    const { outcome, wallMs, queryMs, p99, summary } = await watchRun(handle, (view) => view.tasks.some((t) => t.state === 'running'), 500);
    console.log(`steps ran ${wallMs} ms; ${summary}`);
    // One attempt per step and a 5 s heartbeat timeout: success means no heartbeat was missed.
    expect(outcome.error).toBeUndefined();
    expect(outcome.view?.status).toBe('success');
    expect(outcome.view?.tasks.map((t) => t.state)).toEqual(['success', 'success', 'success', 'success', 'success']);
    expect(queryMs.length).toBeGreaterThan(5);
    // Most answers within 1 s (a slow one is the shared dev server on 2 cores; the loop is checked below).
    expect(queryMs.filter((ms) => ms < 1000).length / queryMs.length).toBeGreaterThanOrEqual(0.8);
    expect(p99).toBeLessThan(200);
  }, 600_000);
});
