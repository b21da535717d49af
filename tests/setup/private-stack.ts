/**
 * A test's own stack — Temporal dev server + MinIO on free ports in a temp dir — for tests that
 * stop a server mid-run, which must not disturb the shared stack. Optionally with a worker
 * serving the real and fixture DAGs, and the fixture activities' execution log.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { activities } from '../../activities';
import { loadConfig, type TideflowConfig } from '../../config/env';
import { dags } from '../../dags';
import { findFreePort, LOW_LATENCY_DYNAMIC_CONFIG, startStack, type RunningStack } from '../../infra/stack';
import { createTideflowWorker, workerOptionsFromConfig } from '../../workers/create-worker';
import { testActivities, type LogEntry } from '../fixtures/activities';
import { testDags } from '../fixtures/dags';
import { testWorkflowBundle } from '../integration/harness';

export interface PrivateStack {
  stack: RunningStack;
  dir: string;
  config: TideflowConfig;
  close(): Promise<void>;
}

export async function startPrivateStack(name: string, taskQueue = name): Promise<PrivateStack> {
  const dir = mkdtempSync(join(tmpdir(), `tideflow-${name}-`));
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await findFreePort());
  const [temporalPort, minioPort, minioConsolePort] = [...ports] as [number, number, number];
  const stack = await startStack({
    dataDir: join(dir, 'stack'),
    temporalPort,
    uiPort: null,
    minioPort,
    minioConsolePort,
    bucket: name,
    minioUser: name,
    minioPassword: `${name}-${Math.random().toString(36).slice(2)}`,
    binaries: inject('stack').binaries,
    dynamicConfig: LOW_LATENCY_DYNAMIC_CONFIG,
  });
  const config = loadConfig({ ...process.env, ...stack.env, TIDEFLOW_TASK_QUEUE: taskQueue });
  return {
    stack,
    dir,
    config,
    async close() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateWorker {
  client: Client;
  readLog(): LogEntry[];
  stop(): Promise<void>;
}

/** A worker and a client on a private stack; fixture activities log to `<dir>/log.jsonl`. */
export async function startPrivateWorker(p: PrivateStack): Promise<PrivateWorker> {
  const logFile = join(p.dir, 'log.jsonl');
  process.env['TIDEFLOW_TEST_LOG'] = logFile;
  const native = await NativeConnection.connect({ address: p.stack.temporalAddress });
  const worker = await createTideflowWorker({
    connection: native,
    ...workerOptionsFromConfig(p.config),
    dags: [...dags, ...testDags],
    activities: { ...activities, ...testActivities },
    workflows: { workflowBundle: await testWorkflowBundle() },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: p.stack.temporalAddress });
  return {
    client: new Client({ connection }),
    readLog: () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as LogEntry)
        : [],
    async stop() {
      worker.shutdown();
      await running;
      await native.close();
      await connection.close();
    },
  };
}
