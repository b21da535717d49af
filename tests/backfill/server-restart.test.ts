/**
 * The Temporal server stops mid-backfill and comes back on the same database: the backfill
 * resumes and every date runs exactly once. A private stack, so the shared one is untouched.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, expect, inject, it } from 'vitest';
import { activities } from '../../activities';
import { backfillProgress, startBackfill } from '../../client/backfill';
import { loadConfig } from '../../config/env';
import type { BackfillProgress } from '../../core/backfill-plan';
import { dags } from '../../dags';
import { findFreePort, startStack, type RunningStack } from '../../infra/stack';
import { createS3Client } from '../../storage/s3-client';
import { createTideflowWorker } from '../../workers/create-worker';
import { testActivities, type LogEntry } from '../fixtures/activities';
import { testDags } from '../fixtures/dags';
import { testWorkflowBundle } from '../integration/harness';
import { dag, starts, waitFor } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-bf-crash-'));
let stack: RunningStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a backfill survives a Temporal server restart without running any date twice', async () => {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await findFreePort());
  const [temporalPort, minioPort, minioConsolePort] = [...ports] as [number, number, number];
  stack = await startStack({
    dataDir: join(dir, 'stack'), temporalPort, uiPort: null, minioPort, minioConsolePort,
    bucket: 'bf-crash', minioUser: 'bf-crash', minioPassword: `bf-${Math.random().toString(36).slice(2)}`,
    binaries: inject('stack').binaries,
  });
  const logFile = join(dir, 'log.jsonl');
  process.env['TIDEFLOW_TEST_LOG'] = logFile;
  const config = loadConfig({ ...process.env, ...stack.env, TIDEFLOW_TASK_QUEUE: 'bf-crash' });
  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const worker = await createTideflowWorker({
    connection: native, namespace: 'default', taskQueue: 'bf-crash', dags: [...dags, ...testDags],
    activities: { ...activities, ...testActivities }, s3: createS3Client(config.s3), bucket: config.s3.bucket,
    prefix: '', offloadBytes: config.offloadBytes, workflows: { workflowBundle: await testWorkflowBundle() },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const readLog = (): LogEntry[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry) : []);

  const handle = await startBackfill(client, dag, { taskQueue: 'bf-crash', from: '2024-07-01', to: '2024-07-10', maxActive: 3, params: { ms: 800 } });
  await waitFor('two dates done', async () => ((await backfillProgress(client, handle.workflowId)).succeeded >= 2 ? true : undefined));
  await stack.stopTemporal();
  await new Promise((r) => setTimeout(r, 2000));
  await stack.startTemporal();

  const progress = (await handle.result()) as BackfillProgress;
  expect(progress).toMatchObject({ total: 10, succeeded: 10, failed: 0, skipped: 0 });
  const checks = starts(readLog(), 'check', 't_backfill__backfill__2024-07-');
  expect(checks.size).toBe(10);
  expect([...checks.values()].every((n) => n === 1)).toBe(true);
  worker.shutdown();
  await running;
  await native.close();
  await connection.close();
}, 120_000);
