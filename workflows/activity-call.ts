/**
 * How the engine calls a task's activity: as a normal activity, or — for a task declared
 * `local: true` (or under a DAG default of it) — as a Temporal local activity, which runs in the
 * workflow's own worker without a server round trip (limits in core/local-tasks.ts).
 *
 * Both go through the same wrapped activity (activities/task-runner.ts), so inputs, outputs,
 * offload of large outputs to S3, run manifests and the attempt count are the same; the retry
 * policy and timeouts are the ones the engine resolved for the task. Only the history differs:
 * a local activity is one marker event instead of scheduled/started/completed events.
 *
 * A cached normal task is preceded by the cache probe (./cache-probe.ts, its own patch).
 *
 * Replay: DAGs without `local` never reach the patch, so their histories keep their shape. A DAG
 * that marks an existing task local (ml_retrain's short steps) changes its history; the patch
 * keeps runs recorded before the change calling normal activities when they replay.
 */
import {
  ActivityFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  TimeoutFailure,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import { isLocalTask } from '../core/local-tasks';
import type { DagDefinition, TaskSpec } from '../core/model';
import type { TaskInvocation, TaskResult } from '../core/output-ref';
import { withCacheProbe } from './cache-probe';

export const LOCAL_ACTIVITIES_PATCH = 'local-activities';

export type TaskCall = (invocation: TaskInvocation) => Promise<TaskResult>;
type TaskProxies = Record<string, TaskCall>;

/**
 * The local activity options matching a task's resolved activity options. heartbeatTimeout and
 * taskQueue have no local equivalent; validation refuses local tasks that set them.
 */
export function localOptionsOf(options: ActivityOptions): LocalActivityOptions {
  const local: LocalActivityOptions = {};
  if (options.startToCloseTimeout !== undefined) local.startToCloseTimeout = options.startToCloseTimeout;
  if (options.scheduleToCloseTimeout !== undefined) local.scheduleToCloseTimeout = options.scheduleToCloseTimeout;
  if (options.retry !== undefined) local.retry = options.retry;
  return local;
}

/**
 * The SDK retries a local activity's start-to-close timeouts until the retry policy stops it
 * (a schedule-to-close limit reports its own timeout type), like the server does for a normal
 * activity; but it reports the final failure without the server's MAXIMUM_ATTEMPTS_REACHED retry
 * state, from which the engine counts the attempts of a timed-out task. Say it the same way.
 */
function asServerReports(err: unknown): unknown {
  if (!(err instanceof ActivityFailure) || err.retryState === 'MAXIMUM_ATTEMPTS_REACHED') return err;
  if (!(err.cause instanceof TimeoutFailure) || err.cause.timeoutType !== 'START_TO_CLOSE') return err;
  return new ActivityFailure(err.message, err.activityType, err.activityId, 'MAXIMUM_ATTEMPTS_REACHED', err.identity, err.cause);
}

/** The function that runs `spec`'s activity with `options`. */
export function taskCall(dag: DagDefinition, spec: TaskSpec, options: ActivityOptions): TaskCall {
  const name = spec.activity as string;
  if (isLocalTask(dag, spec) && patched(LOCAL_ACTIVITIES_PATCH)) {
    const local = proxyLocalActivities<TaskProxies>(localOptionsOf(options))[name];
    if (!local) throw new Error(`no local activity proxy for '${name}'`);
    return (invocation) =>
      local(invocation).catch((err: unknown) => {
        throw asServerReports(err);
      });
  }
  const call = proxyActivities<TaskProxies>(options)[name];
  if (!call) throw new Error(`no activity proxy for '${name}'`);
  // A cached task: a step-cache hit found by the probe settles it without scheduling the activity.
  return withCacheProbe(dag, spec, call);
}
