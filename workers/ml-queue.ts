/**
 * Where heavy ML steps run (horizontal scale): a worker can additionally poll an ML task queue
 * (`TIDEFLOW_ML_TASK_QUEUE`), or poll only that queue (`TIDEFLOW_ML_ONLY=true`), so fits run on
 * their own pool of machines while the main queue's workers keep the workflows moving. A DAG
 * routes a task there with its `taskQueue` option. `TIDEFLOW_ML_MAX_CONCURRENT` caps the ML
 * activities one process runs at once (each fit keeps about two cores busy: its thread and the
 * gradient-boosting histogram thread), so a fan-out spreads over the workers instead of piling
 * onto the first that polls.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export interface MlQueueConfig {
  /** The ML task queue to poll besides (or, mlOnly, instead of) the main one; undefined: none. */
  taskQueue?: string;
  mlOnly: boolean;
  maxConcurrent: number;
}

const schema = z
  .object({
    TIDEFLOW_ML_TASK_QUEUE: z.string().trim().min(1).optional(),
    TIDEFLOW_ML_ONLY: z.enum(['true', 'false']).default('false'),
    TIDEFLOW_ML_MAX_CONCURRENT: z.coerce.number().int().min(1).max(256).optional(),
  })
  .refine((e) => e.TIDEFLOW_ML_ONLY === 'false' || e.TIDEFLOW_ML_TASK_QUEUE !== undefined, {
    message: 'TIDEFLOW_ML_ONLY=true needs TIDEFLOW_ML_TASK_QUEUE (the queue to poll)',
    path: ['TIDEFLOW_ML_ONLY'],
  });

export function mlQueueFromEnv(env: NodeJS.ProcessEnv = process.env): MlQueueConfig {
  const blankIsUnset = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('TIDEFLOW_ML_') && v !== ''));
  const parsed = schema.safeParse(blankIsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid ML worker configuration in environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    ...(e.TIDEFLOW_ML_TASK_QUEUE !== undefined && { taskQueue: e.TIDEFLOW_ML_TASK_QUEUE }),
    mlOnly: e.TIDEFLOW_ML_ONLY === 'true',
    maxConcurrent: e.TIDEFLOW_ML_MAX_CONCURRENT ?? Math.max(1, Math.floor(availableParallelism() / 2)),
  };
}
