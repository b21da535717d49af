/**
 * A worker process: the Temporal worker(s) this configuration asks for — the main task queue
 * (workflows and every activity) and/or the ML task queue (activities only, ./ml-queue.ts) —
 * on one connection, until a shutdown signal.
 *
 * Shutdown (SIGTERM, SIGINT, …: the Temporal runtime's signals) is prompt because ML
 * computations run in worker threads: the SDK cancels running activities at once, their threads
 * are terminated, and each attempt fails retryably, so another worker picks the task up. Threads
 * still alive after the workers stopped are terminated before the connection closes.
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import { terminateAllJobs } from '../activities/ml/offload/runner';
import type { ActivityRegistry } from '../activities/task-runner';
import type { TideflowConfig } from '../config/env';
import type { DagDefinition } from '../core/model';
import { connectWorker, createTideflowWorker, workerOptionsFromConfig, type TideflowWorkerOptions } from './create-worker';
import { mlQueueFromEnv, type MlQueueConfig } from './ml-queue';

export interface WorkerProcessOptions {
  config: TideflowConfig;
  ml?: MlQueueConfig;
  dags: readonly DagDefinition[];
  activities: ActivityRegistry;
  workflows: TideflowWorkerOptions['workflows'];
}

export interface RunningWorkers {
  /** One line per worker: its queue and what it serves. */
  description: string[];
  /** Resolves when every worker has shut down and the connection is closed. */
  done: Promise<void>;
}

/** Give a stuck shutdown this long before the worker gives up on cleanliness. */
const SHUTDOWN_FORCE_TIME = '20s';

export async function startWorkerProcess(o: WorkerProcessOptions): Promise<RunningWorkers> {
  const ml = o.ml ?? mlQueueFromEnv();
  const connection: NativeConnection = await connectWorker(o.config);
  const base = {
    connection,
    ...workerOptionsFromConfig(o.config),
    dags: o.dags,
    activities: o.activities,
    shutdownForceTime: SHUTDOWN_FORCE_TIME,
  };
  const workers: Worker[] = [];
  const description: string[] = [];
  if (!ml.mlOnly) {
    workers.push(await createTideflowWorker({ ...base, workflows: o.workflows }));
    description.push(`task queue '${base.taskQueue}': workflows and all activities`);
  }
  if (ml.taskQueue !== undefined && ml.taskQueue !== base.taskQueue) {
    workers.push(
      await createTideflowWorker({
        ...base,
        taskQueue: ml.taskQueue,
        workflows: null,
        maxConcurrentActivityTaskExecutions: ml.maxConcurrent,
      }),
    );
    description.push(`ML task queue '${ml.taskQueue}': activities only, at most ${ml.maxConcurrent} at once`);
  }
  const done = (async () => {
    try {
      await Promise.all(workers.map((w) => w.run()));
    } finally {
      await terminateAllJobs();
      await connection.close();
    }
  })();
  return { description, done };
}
