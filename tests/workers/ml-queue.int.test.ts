/**
 * Horizontal scale (issue 11, part 8) and prompt shutdown (part 1), on the real servers with two
 * worker processes wired as workers/main.ts: A polls the main queue (workflows, all activities)
 * and the ML queue, B only the ML queue (TIDEFLOW_ML_ONLY). Each runs one ML activity at a time
 * (TIDEFLOW_ML_MAX_CONCURRENT=1), so the tune fan-out must spread over both. Once B has finished
 * a trial and is in the middle of another, it gets SIGTERM: it exits within seconds (the fit's
 * thread is terminated), its attempt fails retryably and is retried on A, and the run completes
 * with every trial scored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../../activities/ml/dataset';
import type { TrialResult, TuneTrialInput } from '../../activities/ml/tune-trial';
import { startDagRun, waitForRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import { useHarnessWithoutWorker, taskOf } from '../integration/harness';
import { OFFLOAD_ML_QUEUE, offloadFanout } from './fixtures/dags';
import { syntheticFrame } from './synthetic';
import { syntheticTrainingInputs } from './synthetic-training';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LEARNING_RATES = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];

const h = useHarnessWithoutWorker('mlq');
const children: ChildProcess[] = [];

async function spawnWorker(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures/worker-main.ts')], {
    env: { ...process.env, ...h.env, TIDEFLOW_ML_TASK_QUEUE: OFFLOAD_ML_QUEUE, TIDEFLOW_ML_MAX_CONCURRENT: '1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('worker test process ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface TuneEvents {
  /** Per scheduled tune activity: identity and attempt of the attempt that finished it, if finished. */
  finished: { identity: string; attempt: number }[];
}

async function tuneHistory(workflowId: string): Promise<TuneEvents> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const tuneScheduled = new Set<string>();
  const finished: TuneEvents['finished'] = [];
  for (const e of history.events ?? []) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'mlTuneTrial') tuneScheduled.add(String(e.eventId));
    const started = e.activityTaskStartedEventAttributes;
    if (started && tuneScheduled.has(String(started.scheduledEventId))) {
      finished.push({ identity: started.identity ?? '', attempt: started.attempt ?? 0 });
    }
  }
  return { finished };
}

describe('two worker processes on one ML task queue', () => {
  it('share the tune fan-out; SIGTERM stops one within seconds mid-trial and its trial is retried on the other', async () => {
    const store = { ...h.store, prefix: `${h.store.prefix}mlq-${Date.now()}/` };
    const dataset = await writeDataset(store, `${store.prefix}synthetic.arrow`, syntheticFrame(60_000, 2));
    const tune: Omit<TuneTrialInput, 'trial'> = { ...(await syntheticTrainingInputs(store, dataset)), folds: 2 };
    const a = await spawnWorker({});
    const b = await spawnWorker({ TIDEFLOW_ML_ONLY: 'true' });
    const idA = `${a.child.pid}@`;
    const idB = `${b.child.pid}@`;
    const search = {
      strategy: 'grid',
      space: [{ kind: 'gbt', params: { maxIter: [40], earlyStopping: [false], learningRate: LEARNING_RATES } }],
    };
    const handle = await startDagRun(h.client, offloadFanout as DagDefinition, { taskQueue: h.taskQueue, params: { tune, search } });

    // Wait until B has finished one trial and is running another.
    let killedAt = 0;
    for (let i = 0; i < 1200 && killedAt === 0; i++) {
      await sleep(250);
      const { finished } = await tuneHistory(handle.workflowId);
      if (!finished.some((f) => f.identity.startsWith(idB))) continue;
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const onB = pending.find(
        (p) => p.activityType?.name === 'mlTuneTrial' && (p.lastWorkerIdentity ?? '').startsWith(idB) && p.lastStartedTime,
      );
      if (onB) {
        await sleep(1000); // well inside the fit
        killedAt = Date.now();
        b.child.kill('SIGTERM');
      }
    }
    expect(killedAt).toBeGreaterThan(0);
    const exitCode = await new Promise<number | null>((resolve) => {
      if (b.child.exitCode !== null) resolve(b.child.exitCode);
      else b.child.once('exit', (code) => resolve(code));
    });
    const exitMs = Date.now() - killedAt;
    console.log(`worker B exited ${exitMs} ms after SIGTERM (code ${exitCode})`);
    expect(exitMs).toBeLessThan(10_000);
    expect(b.output()).toContain('worker test process stopped');

    const outcome = await waitForRun(handle);
    expect(outcome.error).toBeUndefined();
    expect(outcome.view?.status).toBe('success');
    const trials = taskOf(outcome.view!, 'tune').output as TrialResult[];
    expect(trials.map((t) => t.index).sort()).toEqual(LEARNING_RATES.map((_, i) => i));
    expect(trials.every((t) => Number.isFinite(t.mean))).toBe(true);

    const { finished } = await tuneHistory(handle.workflowId);
    console.log(`tune attempts that finished: ${JSON.stringify(finished)}`);
    expect(finished).toHaveLength(LEARNING_RATES.length);
    expect(finished.some((f) => f.identity.startsWith(idA))).toBe(true);
    expect(finished.some((f) => f.identity.startsWith(idB))).toBe(true);
    // The trial B was cut off in: finished by a later attempt, on A.
    expect(finished.some((f) => f.identity.startsWith(idA) && f.attempt >= 2)).toBe(true);
  }, 900_000);
});
