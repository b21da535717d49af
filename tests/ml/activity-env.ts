/**
 * Calling ML activities directly in tests: a store on the shared test MinIO (a prefix of the
 * test's own, so files never see each other's artifacts) and a hand-made TaskContext.
 */
import { inject } from 'vitest';
import type { TaskContext } from '../../activities/context';
import type { ArtifactStore } from '../../activities/ml/store';
import { loadConfig } from '../../config/env';
import { createS3Client } from '../../storage/s3-client';

export function testStore(prefix: string): ArtifactStore {
  const config = loadConfig({ ...process.env, ...inject('stack').env });
  return { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: `${prefix.replace(/\/?$/, '/')}` };
}

let contextStore: ArtifactStore | undefined;

export function testContext(overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    store: overrides.store ?? (contextStore ??= testStore('ml-test-context')),
    dagId: 'ml_test',
    taskId: 'task',
    workflowId: `wf-${Math.random().toString(36).slice(2, 10)}`,
    runId: 'run-1',
    logicalDate: '2024-01-02T00:00:00.000Z',
    ds: '2024-01-02',
    dataIntervalStart: '2024-01-02T00:00:00.000Z',
    dataIntervalEnd: '2024-01-03T00:00:00.000Z',
    params: {},
    attempt: 1,
    heartbeat: () => undefined,
    signal: new AbortController().signal,
    log: { info: () => undefined, warn: () => undefined },
    ...overrides,
  };
}
