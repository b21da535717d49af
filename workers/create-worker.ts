/**
 * Wiring only: validate the DAGs, wrap the activities, hand both to a Temporal worker.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { S3Client } from '@aws-sdk/client-s3';
import { loadDags } from '../core/load';
import type { DagDefinition } from '../core/model';
import { wrapActivities, type ActivityRegistry } from '../activities/task-runner';
import type { TideflowConfig } from '../config/env';
import { createS3Client } from '../storage/s3-client';
import { backfillActivities } from '../activities/backfill';
import { tideflowCountEarlierRuns } from '../activities/builtin/run-gate';
import { HEARTBEATING_ACTIVITIES } from '../activities/long-running';
import { UNCACHEABLE_ACTIVITIES } from '../activities/cache/policy';
import { cacheProbeActivity } from '../activities/cache/probe';
import { CACHE_PROBE_ACTIVITY } from '../core/cache-probe';
import { runOutcomeActivities } from '../activities/run-outcome';
import { rolloutActivities } from '../activities/rollout';
import { retryActivities } from '../activities/retry';

export interface TideflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dags: readonly DagDefinition[];
  activities: ActivityRegistry;
  s3: S3Client;
  bucket: string;
  prefix: string;
  offloadBytes: number;
  /** A prebuilt bundle (tests reuse one) or the workflows module to bundle; null: activities only (an ML task queue). */
  workflows: Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath'> | null;
  maxConcurrentActivityTaskExecutions?: number;
  /** After a shutdown request, give up waiting for in-flight work after this long. */
  shutdownForceTime?: WorkerOptions['shutdownForceTime'];
}

/** Called directly by the benchmark's plain-Temporal baseline, outside the DAG engine. */
const rawActivities = { noopPlain: async (): Promise<void> => {}, tideflowCountEarlierRuns };

export async function createTideflowWorker(o: TideflowWorkerOptions): Promise<Worker> {
  const registry = loadDags(o.dags, {
    activityNames: new Set(Object.keys(o.activities)),
    heartbeatingActivities: HEARTBEATING_ACTIVITIES,
    uncacheableActivities: UNCACHEABLE_ACTIVITIES,
  });
  // The worker's one S3 client serves every activity through its TaskContext (no client of their own).
  const store = { s3: o.s3, bucket: o.bucket, prefix: o.prefix };
  const deps = { dags: registry, store, offloadBytes: o.offloadBytes };
  const wrapped = wrapActivities(deps, o.activities);
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    ...(o.workflows ?? {}),
    activities: {
      ...wrapped,
      ...rawActivities,
      // The workflow's step-cache probe (a local activity: runs where the workflow runs).
      [CACHE_PROBE_ACTIVITY]: cacheProbeActivity(deps),
      ...backfillActivities(store),
      ...runOutcomeActivities(store),
      ...rolloutActivities(store),
      ...retryActivities(store),
    },
    ...(o.shutdownForceTime !== undefined && { shutdownForceTime: o.shutdownForceTime }),
    ...(o.maxConcurrentActivityTaskExecutions !== undefined && {
      maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions,
    }),
  });
}

/** The worker options that come from configuration: where to poll and where large outputs go. */
export function workerOptionsFromConfig(
  config: TideflowConfig,
): Pick<TideflowWorkerOptions, 'namespace' | 'taskQueue' | 's3' | 'bucket' | 'prefix' | 'offloadBytes'> {
  return {
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    s3: createS3Client(config.s3),
    bucket: config.s3.bucket,
    prefix: config.s3.prefix,
    offloadBytes: config.offloadBytes,
  };
}

/** NativeConnection from the validated config (address, TLS, API key). */
export async function connectWorker(config: TideflowConfig): Promise<NativeConnection> {
  const c = config.temporal.connection;
  return NativeConnection.connect({
    ...(c.address !== undefined && { address: c.address }),
    ...(c.tls !== undefined && { tls: c.tls }),
    ...(c.apiKey !== undefined && { apiKey: typeof c.apiKey === 'function' ? c.apiKey() : c.apiKey }),
    ...(c.metadata !== undefined && { metadata: c.metadata }),
  });
}
