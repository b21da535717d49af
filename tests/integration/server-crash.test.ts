/**
 * The Temporal server stops mid-run and comes back on the same SQLite database: the run resumes
 * and completed tasks are not executed again. Uses a private stack so the shared one is untouched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, describe, expect, it, inject } from 'vitest';
import type { RunView } from '../../core/run-view';
import { startDagRun } from '../../client/runs';
import { loadConfig } from '../../config/env';
import { dags } from '../../dags';
import { activities } from '../../activities';
import { createS3Client } from '../../storage/s3-client';
import { createTideflowWorker } from '../../workers/create-worker';
import { findFreePort, startStack, type RunningStack } from '../../infra/stack';
import { testActivities, type LogEntry } from '../fixtures/activities';
import { slowChain, testDags } from '../fixtures/dags';
import { testWorkflowBundle } from './harness';
import { readFileSync, existsSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-crash-'));
let stack: RunningStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Temporal server crash', () => {
  it('resumes the run after the server restarts, without redoing finished tasks', async () => {
    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await findFreePort());
    const [temporalPort, minioPort, minioConsolePort] = [...ports] as [number, number, number];
    stack = await startStack({
      dataDir: join(dir, 'stack'), temporalPort, uiPort: null, minioPort, minioConsolePort,
      bucket: 'crash-test', minioUser: 'crash-test', minioPassword: `crash-${Math.random().toString(36).slice(2)}`,
      binaries: inject('stack').binaries,
    });
    const logFile = join(dir, 'log.jsonl');
    process.env['TIDEFLOW_TEST_LOG'] = logFile;
    const config = loadConfig({ ...process.env, ...stack.env, TIDEFLOW_TASK_QUEUE: 'crash' });
    const native = await NativeConnection.connect({ address: stack.temporalAddress });
    const worker = await createTideflowWorker({
      connection: native, namespace: 'default', taskQueue: 'crash', dags: [...dags, ...testDags],
      activities: { ...activities, ...testActivities }, s3: createS3Client(config.s3), bucket: config.s3.bucket,
      prefix: '', offloadBytes: config.offloadBytes, workflows: { workflowBundle: await testWorkflowBundle() },
    });
    const running = worker.run();
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const readLog = (): LogEntry[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry) : []);

    const handle = await startDagRun(client, slowChain, { taskQueue: 'crash' });
    const mine = () => readLog().filter((e) => e.workflowId === handle.workflowId);
    for (let i = 0; i < 300 && !mine().some((e) => e.taskId === 'slow'); i++) await new Promise((r) => setTimeout(r, 50));
    await stack.stopTemporal();
    await new Promise((r) => setTimeout(r, 2000));
    await stack.startTemporal();

    const view = (await handle.result()) as RunView;
    expect(view.status).toBe('success');
    const starts = (taskId: string) => mine().filter((e) => e.taskId === taskId && e.event === 'start');
    expect(starts('first')).toHaveLength(1);
    expect(starts('last')).toHaveLength(1);
    expect(starts('slow').length).toBeGreaterThanOrEqual(1);
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
  }, 120_000);
});
