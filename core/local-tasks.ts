/**
 * `local: true`: which tasks run as Temporal local activities, and what such a task may declare.
 *
 * A local activity runs inside the workflow task of the worker that runs the workflow: no
 * activity task round trip, no separate workflow task to schedule it. The price, per Temporal's
 * guidance (https://docs.temporal.io/local-activity): it should last "no longer than a few
 * seconds, inclusive of retries"; past 80% of the workflow task timeout (10 s by default) the
 * worker must heartbeat the workflow task, each heartbeat adding events to history and holding
 * back signals and queries (the `state` query the CLI and the Web UI read); it cannot heartbeat
 * to the server nor be routed to another task queue; a lost worker is only noticed when the
 * workflow task times out, and the attempt then starts over. Hence the checks below, run at load
 * (./validate.ts) and, for what a run's params set, at run start.
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { DagDefinition, TaskOptionsBase, TaskSpec } from './model';
import { CACHE_PROBE_ACTIVITY } from './cache-probe';

/**
 * Local activities the engine runs around a DAG's tasks (the cache probe, the run-outcome record
 * of workflows/run-outcome.ts): not tasks, so whoever counts a run's tasks from its history
 * (the orchestration bench, the local-task tests) skips their markers.
 */
export const ENGINE_LOCAL_ACTIVITIES: ReadonlySet<string> = new Set([CACHE_PROBE_ACTIVITY, 'tideflowRecordRunOutcome']);

/**
 * Longest attempt a local task may declare: the default workflow task timeout, so an attempt
 * that uses its whole budget costs at most one workflow-task heartbeat.
 */
export const LOCAL_MAX_START_TO_CLOSE_MS = 10_000;

/** Whether the task runs as a local activity: its own `local`, else the DAG default's; never an empty task. */
export function isLocalTask(dag: Pick<DagDefinition, 'defaults'>, spec: TaskSpec): boolean {
  return spec.activity !== undefined && (spec.local ?? dag.defaults.local ?? false);
}

function durationMs(value: Duration | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return msToNumber(value);
  } catch {
    return undefined; // reported by the duration checks of ./validate.ts
  }
}

export interface LocalCheckOptions {
  /** Activities that do long work and heartbeat through it (worker threads, child processes): never local. */
  heartbeatingActivities?: ReadonlySet<string>;
}

/**
 * Why the task cannot run as a local activity (empty when it can, or is not local). `run` are
 * the options the run's params set (its `runOptions`), which take precedence.
 */
export function localTaskProblems(
  dag: Pick<DagDefinition, 'defaults'>,
  spec: TaskSpec,
  run: TaskOptionsBase = {},
  options: LocalCheckOptions = {},
): string[] {
  const problems: string[] = [];
  if (run.local !== undefined) problems.push('local cannot be set per run (runOptions): it changes how the task is recorded in history');
  if (spec.local !== undefined && typeof spec.local !== 'boolean')
    problems.push(`local must be true or false, got ${JSON.stringify(spec.local)}`);
  if (spec.local === true && spec.activity === undefined) {
    problems.push('local: true on a task without an activity (an empty task already runs inside the workflow)');
  }
  if (!isLocalTask(dag, spec)) return problems;
  const why = spec.local === true ? 'it is local: true' : 'the DAG defaults to local: true (set local: false on the task)';
  const d = dag.defaults;
  const heartbeat = run.heartbeatTimeout ?? spec.heartbeatTimeout ?? d.heartbeatTimeout;
  if (heartbeat !== undefined) {
    problems.push(
      `declares heartbeatTimeout ${JSON.stringify(heartbeat)} but ${why}: a local activity cannot heartbeat to the Temporal server, ` +
        'so long work that needs heartbeats must run as a normal activity',
    );
  }
  const queue = run.taskQueue ?? spec.taskQueue ?? d.taskQueue;
  if (queue !== undefined) {
    problems.push(
      `sets taskQueue '${queue}' but ${why}: a local activity runs on the worker that runs the workflow and cannot be routed to another task queue`,
    );
  }
  if (spec.activity !== undefined && options.heartbeatingActivities?.has(spec.activity)) {
    problems.push(
      `runs '${spec.activity}', which does long work in a worker thread or child process and heartbeats through it, but ${why}: ` +
        'it must run as a normal activity',
    );
  }
  const startToClose = run.startToCloseTimeout ?? spec.startToCloseTimeout ?? d.startToCloseTimeout;
  const ms = durationMs(startToClose);
  if (startToClose === undefined) {
    problems.push(
      `${why} but declares no startToCloseTimeout (the engine default is 1 hour): set one of at most ${LOCAL_MAX_START_TO_CLOSE_MS / 1000}s ` +
        'on the task or in the DAG defaults; local activities are for work of a few seconds',
    );
  } else if (ms !== undefined && ms > LOCAL_MAX_START_TO_CLOSE_MS) {
    problems.push(
      `startToCloseTimeout ${JSON.stringify(startToClose)} exceeds ${LOCAL_MAX_START_TO_CLOSE_MS / 1000}s but ${why}: a local activity ` +
        'holds the workflow task while it runs (past 8s the worker must heartbeat the workflow task and the run stops answering ' +
        'queries and signals until it ends); run longer work as a normal activity',
    );
  }
  return problems;
}
