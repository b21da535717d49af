/**
 * Task queues by role that a run's starter passes in its input (`queues`): workflow code cannot
 * read the environment, so whoever starts a run (the CLI, schedule sync) reads
 * TIDEFLOW_ML_TASK_QUEUE here and the DAG routes its heavy ML steps there (dags/params/ml-steps.ts).
 */
import { ML_TASK_QUEUE_ENV } from '../dags/params/ml-steps';

export function runQueues(env: NodeJS.ProcessEnv = process.env): { queues?: Record<string, string> } {
  const ml = env[ML_TASK_QUEUE_ENV]?.trim();
  return ml ? { queues: { ml } } : {};
}
