/**
 * The rollout's guards on the real stack (Temporal, MinIO, a prediction server answering real HTTP
 * clients), beyond the error-rate rollback of rollout.int.test.ts:
 *   - latency: a candidate (a 300-iteration GBT, ~900 trees) against a p99 guard set below its own
 *     latency as measured here (a third of its in-process single-row scoring time), so the test holds
 *     however fast the machine and the scorer are (the compiled GBT predictor made this model fast);
 *   - prediction drift from the prediction log: a candidate that answers without errors and fast,
 *     but predicts another class mix than the stable version;
 * each rolls back by itself with the reason in the rollout's state history in the registry.
 * And history: a multi-step rollout continued as new after every check, whose runs replay cleanly.
 */
import { join } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { rolloutResult, startRollout } from '../../client/rollouts';
import { takeRows } from '../../ml/frame/frame';
import { scoreFrame, type ModelArtifact } from '../../ml/predict';
import { rolloutWorkflowId, type RolloutInput } from '../../mlops/rollout-plan';
import { getAlias } from '../../registry';
import { readRollout } from '../../registry/rollout-store';
import { useHarnessWithWorker } from '../integration/harness';
import { loaded, penguinFrame, trainModel, useServer } from './helpers';
import { drive, registerModel } from './rollout-helpers';

const h = useHarnessWithWorker('rollout-guards');
const serving = useServer(h, { pollMs: 200 });
let stable: ModelArtifact;

beforeAll(async () => {
  stable = await trainModel('base', 'logistic_regression', { C: 0.1 });
}, 180_000);

const start = (input: RolloutInput) => startRollout(h.client, input, h.taskQueue);
/** A canary of v2 at 50 % then 100 %, 30 s a step, checked every 0.5 s: the guards decide within the first step. */
const startCanary = (model: string, guards: RolloutInput['guards']) =>
  start({ model, candidate: 2, strategy: 'canary', steps: [50, 100], stepSeconds: 30, checkSeconds: 0.5, guards });

/** Median in-process time (ms) to score one row, after warming up. */
function singleRowMs(a: ModelArtifact): number {
  const m = loaded(a);
  const one = takeRows(penguinFrame(), [3]);
  for (let i = 0; i < 20; i++) scoreFrame(m, one);
  const times = Array.from({ length: 41 }, () => {
    const t = performance.now();
    scoreFrame(m, one);
    return performance.now() - t;
  }).sort((x, y) => x - y);
  return times[20] as number;
}

describe('rollout guards', () => {
  it('a candidate slower than the p99 guard is rolled back by itself, the reason in the registry', async () => {
    const slow = await trainModel('slow', 'gbt', { maxIter: 300, minSamplesLeaf: 1, learningRate: 0.01 });
    // The guard: a third of the candidate's own single-row scoring time (server latency includes it).
    const measured = singleRowMs(slow);
    const maxLatencyP99Ms = Math.max(0.01, measured / 3);
    const name = await registerModel(h.store, 'slow', [stable, slow]);
    const traffic = drive(serving.url, name);
    await startCanary(name, { minRequests: 10, maxLatencyP99Ms, maxPredictionDrift: 1 });
    const outcome = await rolloutResult(h.client, name);
    const answers = await traffic.stop();

    expect(outcome.status).toBe('rolled-back');
    expect(outcome.reason).toMatch(/^step 0 \(50%\): latency p99 ≤ \d+ ms over \d+ requests exceeds [\d.]+ ms$/);
    expect((await getAlias(h.store, name, 'champion'))?.version).toBe(1);
    const state = (await readRollout(h.store, name))?.state;
    expect(state).toMatchObject({ status: 'rolled-back', weight: 0, reason: outcome.reason });
    expect(state?.history.at(-1)).toMatchObject({ status: 'rolled-back', detail: outcome.reason });
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    console.log(
      `slow candidate: ${measured.toFixed(2)} ms per row in process, guard p99 ${maxLatencyP99Ms.toFixed(2)} ms: ${outcome.reason}`,
    );
  });

  it('a candidate predicting another class mix is rolled back from the prediction log', async () => {
    // Trained on labels that merge Adelie into Chinstrap: fast, no errors, but its answers drift.
    const frame = penguinFrame();
    const species = frame.columns.find((c) => c.name === 'species');
    if (!species || species.type !== 'string') throw new Error('species column');
    const merged = {
      ...frame,
      columns: frame.columns.map((c) =>
        c === species ? { ...species, values: species.values.map((v) => (v === 'Adelie' ? 'Chinstrap' : v)) } : c,
      ),
    };
    const drifting = await trainModel('drift', 'logistic_regression', { C: 0.1 }, merged);
    const name = await registerModel(h.store, 'drifting', [stable, drifting]);
    const traffic = drive(serving.url, name);
    await startCanary(name, { minRequests: 20 });
    const outcome = await rolloutResult(h.client, name);
    const answers = await traffic.stop();

    expect(outcome.status).toBe('rolled-back');
    expect(outcome.reason).toMatch(
      /^step 0 \(50%\): prediction distribution drift vs the stable version: class-share distance 0\.\d+ over \d+ candidate and \d+ stable rows exceeds 0\.2/,
    );
    expect(outcome.lastCheck?.errorRate).toBe(0);
    expect(outcome.lastCheck?.predictions?.candidateRows).toBeGreaterThanOrEqual(20);
    expect((await getAlias(h.store, name, 'champion'))?.version).toBe(1);
    expect((await readRollout(h.store, name))?.state.history.at(-1)).toMatchObject({ status: 'rolled-back', detail: outcome.reason });
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    console.log(`drifting candidate: ${outcome.reason}`);
  });

  it('a multi-step rollout continues as new after every check, keeps its position, promotes, and every run replays', async () => {
    const candidate = await trainModel('next', 'logistic_regression', { C: 1 });
    const name = await registerModel(h.store, 'long', [stable, candidate]);
    const traffic = drive(serving.url, name);
    const handle = await start({
      model: name,
      candidate: 2,
      strategy: 'canary',
      steps: [20, 50, 100],
      stepSeconds: 2,
      checkSeconds: 0.5,
      checksPerRun: 1,
      guards: { minRequests: 5 },
    });
    const outcome = await rolloutResult(h.client, name);
    await traffic.stop();

    expect(outcome.status).toBe('promoted');
    expect((await getAlias(h.store, name, 'champion'))?.version).toBe(2);
    const state = (await readRollout(h.store, name))?.state;
    // One rollout id across the runs, each step entered once.
    expect(state?.rolloutId).toBe(`${rolloutWorkflowId(name)}/${handle.firstExecutionRunId}`);
    expect(state?.history.map((e) => `${e.status}@${e.weight}`)).toEqual(['running@20', 'running@50', 'running@100', 'promoted@100']);

    const bundle = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '../../workflows/index.ts'),
      logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} },
    });
    const runs: string[] = [];
    for (let runId: string | undefined = handle.firstExecutionRunId; runId !== undefined;) {
      runs.push(runId);
      const history = await h.client.workflow.getHandle(rolloutWorkflowId(name), runId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, `${name}-${runs.length}`);
      const last = history.events?.at(-1);
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      expect((history.events ?? []).length).toBeLessThan(100);
    }
    expect(runs.length).toBeGreaterThanOrEqual(3);
    console.log(`long rollout: ${runs.length} workflow runs (continued as new after every check), promoted`);
  }, 120_000);
});
