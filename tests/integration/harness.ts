/**
 * Test harness: a real worker (in-process, or a child process that can be killed) serving the
 * real DAGs plus the engine-test DAGs, against the stack the global setup started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { activities } from '../../activities';
import { startDagRun, waitForRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import type { RunView, TaskView } from '../../core/run-view';
import { loadConfig, type TideflowConfig } from '../../config/env';
import { createS3Client } from '../../storage/s3-client';
import { dags } from '../../dags';
import { createTideflowWorker, workerOptionsFromConfig } from '../../workers/create-worker';
import { testActivities, type LogEntry } from '../fixtures/activities';
import { testDags } from '../fixtures/dags';
import type { OwnNamespace } from '../setup/namespaces';

/** Start a run of `dag` on the harness's queue and wait for its summary (also when it fails). */
export async function runToEnd(
  h: Harness,
  dag: DagDefinition,
  params: Record<string, unknown> = {},
): Promise<{ view: RunView; error?: string; workflowId: string }> {
  const handle = await startDagRun(h.client, dag, { taskQueue: h.taskQueue, params });
  const outcome = await waitForRun(handle);
  if (!outcome.view) throw new Error(`run ${handle.workflowId} ended without a summary: ${outcome.error}`);
  return { view: outcome.view, workflowId: handle.workflowId, ...(outcome.error !== undefined && { error: outcome.error }) };
}

/** One task's view in a run summary; throws if the task is absent. */
export function taskOf(view: RunView, id: string): TaskView {
  const t = view.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id}`);
  return t;
}

/** Each task's state in a run summary, by task id: what a test compares with the states it expects. */
export const statesOf = (view: RunView): Record<string, TaskView['state']> => Object.fromEntries(view.tasks.map((t) => [t.id, t.state]));

/** Polls `predicate` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the fixture task `taskId` of run `workflowId` has logged its start (fixture activities log to h.logFile). */
export function untilTaskStarts(h: Harness, workflowId: string, taskId: string, timeoutMs = 20_000): Promise<void> {
  const started = (): boolean => h.readLog().some((e) => e.workflowId === workflowId && e.taskId === taskId && e.event === 'start');
  return until(`task ${taskId} of ${workflowId} to start`, started, timeoutMs);
}

/** Cancels the run and checks it ended cancelled (its result rejects, Temporal says CANCELLED); returns its final state. */
export async function cancelRun(handle: WorkflowHandle): Promise<RunView> {
  await handle.cancel();
  await expect(handle.result()).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const view = await handle.query<RunView>('state');
  expect(view.status).toBe('cancelled');
  return view;
}

/** SIGKILL a spawned worker (no graceful shutdown) and wait until its process is gone. */
export async function killWorker(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** A harness with an in-process worker already polling; `stop` shuts both down. */
export async function startHarnessWithWorker(name: string, options: HarnessOptions = {}): Promise<{ h: Harness; stop(): Promise<void> }> {
  const h = await createHarness(name, options);
  const worker = await h.startWorker();
  return {
    h,
    async stop() {
      await worker.stop();
      await h.close();
    },
  };
}

/**
 * A harness for the test file: `beforeAll` creates it (with an in-process worker polling when
 * `worker`), `afterAll` shuts it down. The returned harness stands for it in tests and in hooks
 * registered after this call (vitest runs `afterAll` hooks in reverse order, so those run before
 * the shutdown); reading it before the `beforeAll` has run throws.
 */
function useHarness(name: string, { worker, ...options }: HarnessOptions & { worker: boolean }): Harness {
  let current: { h: Harness; stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    if (worker) current = await startHarnessWithWorker(name, options);
    else {
      const h = await createHarness(name, options);
      current = { h, stop: () => h.close() };
    }
  }, 180_000);
  afterAll(async () => {
    await current?.stop();
  });
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!current) throw new Error(`harness '${name}' used before its beforeAll has run`);
      return Reflect.get(current.h, key);
    },
  });
}

/** The file's harness with an in-process worker (see useHarness): `const h = useHarnessWithWorker('name')`. */
export function useHarnessWithWorker(name: string, options: HarnessOptions = {}): Harness {
  return useHarness(name, { ...options, worker: true });
}

/** The file's harness without a worker, for tests that spawn (and kill) their own (see useHarness). */
export function useHarnessWithoutWorker(name: string): Harness {
  return useHarness(name, { worker: false });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds: once per test process. */
export function testWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: join(__dirname, '../fixtures/workflows.ts'),
    logger: { log: () => {}, info: () => {}, warn: () => {}, error: console.error, debug: () => {}, trace: () => {} },
  });
  return bundle;
}

export interface Harness {
  client: Client;
  config: TideflowConfig;
  /** S3 client, bucket and prefix of the shared MinIO: the shape artifact and registry stores take. */
  store: { s3: S3Client; bucket: string; prefix: string };
  taskQueue: string;
  /** The execution log the fixture activities append to. */
  logFile: string;
  env: Record<string, string>;
  readLog(): LogEntry[];
  startWorker(): Promise<{ worker: Worker; stop(): Promise<void> }>;
  /** A worker in its own process (SIGKILL-able); resolves once it polls. */
  spawnWorker(): Promise<ChildProcess>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /**
   * One of the stack's extra namespaces (tests/setup/namespaces.ts) for the client, the worker and
   * the env handed to CLIs and child processes; default the stack's own.
   */
  namespace?: OwnNamespace;
}

export async function createHarness(name: string, { namespace }: HarnessOptions = {}): Promise<Harness> {
  const stack = inject('stack');
  const taskQueue = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const logFile = join(mkdtempSync(join(tmpdir(), 'tideflow-log-')), 'executions.jsonl');
  const env = {
    ...stack.env,
    TEMPORAL_NAMESPACE: namespace ?? stack.namespace,
    TIDEFLOW_TASK_QUEUE: taskQueue,
    TIDEFLOW_TEST_LOG: logFile,
  };
  Object.assign(process.env, env);
  const config = loadConfig({ ...process.env, ...env });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const children: ChildProcess[] = [];

  return {
    client,
    config,
    store: { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix },
    taskQueue,
    logFile,
    env,
    readLog: () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as LogEntry)
        : [],
    async startWorker() {
      const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
      const worker = await createTideflowWorker({
        connection: nativeConnection,
        ...workerOptionsFromConfig(config),
        dags: [...dags, ...testDags],
        activities: { ...activities, ...testActivities },
        workflows: { workflowBundle: await testWorkflowBundle() },
      });
      const running = worker.run();
      return {
        worker,
        async stop() {
          worker.shutdown();
          await running;
          await nativeConnection.close();
        },
      };
    },
    async spawnWorker() {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../fixtures/worker-main.ts')], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('test worker ready')) resolve();
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
        child.once('exit', (code) => reject(new Error(`test worker exited with ${code}:\n${output}`)));
      });
      return child;
    },
    async close() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await connection.close();
    },
  };
}
