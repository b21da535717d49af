/**
 * The Temporal activity options of one task launch: engine defaults, the DAG's defaults, the
 * task's own options and what the run's params set (`runOptions`), in that order of precedence.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import { ENGINE_DEFAULTS, type DagDefinition, type RunSettings, type TaskOptionsBase, type TaskSpec } from '../core/model';

/** Options the run's params set for this task (its `runOptions` hook); unset values fall through. */
export function runOptionsOf(spec: TaskSpec, params: unknown, settings: RunSettings): TaskOptionsBase {
  if (!spec.runOptions) return {};
  const set = spec.runOptions(params as never, settings) ?? {};
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as TaskOptionsBase;
}

export function activityOptions(
  dag: DagDefinition,
  spec: TaskSpec,
  mapIndex: number | undefined,
  params: unknown,
  settings: RunSettings,
): ActivityOptions {
  const d = dag.defaults;
  const run = runOptionsOf(spec, params, settings);
  const retry = { ...ENGINE_DEFAULTS.retry, ...d.retry, ...spec.retry, ...run.retry };
  const options: ActivityOptions = {
    activityId: mapIndex === undefined ? spec.id : `${spec.id}[${mapIndex}]`,
    startToCloseTimeout:
      run.startToCloseTimeout ?? spec.startToCloseTimeout ?? d.startToCloseTimeout ?? ENGINE_DEFAULTS.startToCloseTimeout,
    retry: {
      maximumAttempts: retry.maxAttempts,
      initialInterval: retry.initialInterval,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maxInterval,
      ...(retry.nonRetryableErrorTypes && { nonRetryableErrorTypes: retry.nonRetryableErrorTypes }),
    },
  };
  const scheduleToClose = run.scheduleToCloseTimeout ?? spec.scheduleToCloseTimeout ?? d.scheduleToCloseTimeout;
  if (scheduleToClose !== undefined) options.scheduleToCloseTimeout = scheduleToClose;
  const heartbeat = run.heartbeatTimeout ?? spec.heartbeatTimeout ?? d.heartbeatTimeout;
  if (heartbeat !== undefined) options.heartbeatTimeout = heartbeat;
  const taskQueue = run.taskQueue ?? spec.taskQueue ?? d.taskQueue;
  if (taskQueue !== undefined) options.taskQueue = taskQueue;
  return options;
}
