/**
 * Test harness: a real worker (in-process, or a child process that can be killed) serving the
 * real DAGs plus the engine-test DAGs, against the stack the global setup started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { activities } from '../../activities';
import { loadConfig, type TideflowConfig } from '../../config/env';
import { dags } from '../../dags';
import { createS3Client } from '../../storage/s3-client';
import { createTideflowWorker } from '../../workers/create-worker';
import { testActivities, type LogEntry } from '../fixtures/activities';
import { testDags } from '../fixtures/dags';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds: once per test process. */
export function testWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: join(__dirname, '../fixtures/workflows.ts'), logger: { log: () => {}, info: () => {}, warn: () => {}, error: console.error, debug: () => {}, trace: () => {} } });
  return bundle;
}

export interface Harness {
  client: Client;
  config: TideflowConfig;
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

export async function createHarness(name: string): Promise<Harness> {
  const stack = inject('stack');
  const taskQueue = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const logFile = join(mkdtempSync(join(tmpdir(), 'tideflow-log-')), 'executions.jsonl');
  const env = { ...stack.env, TIDEFLOW_TASK_QUEUE: taskQueue, TIDEFLOW_TEST_LOG: logFile };
  Object.assign(process.env, env);
  const config = loadConfig({ ...process.env, ...env });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const children: ChildProcess[] = [];

  return {
    client,
    config,
    taskQueue,
    logFile,
    env,
    readLog: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEntry) : []),
    async startWorker() {
      const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
      const worker = await createTideflowWorker({
        connection: nativeConnection,
        namespace: stack.namespace,
        taskQueue,
        dags: [...dags, ...testDags],
        activities: { ...activities, ...testActivities },
        s3: createS3Client(config.s3),
        bucket: config.s3.bucket,
        prefix: config.s3.prefix,
        offloadBytes: config.offloadBytes,
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
