/**
 * Structural validation of DAG definitions: every problem is collected and reported at once,
 * each naming the DAG and the task. Pure: schedule checks that need cron parsing live in
 * ./validate-schedule.ts so workflow code never bundles a cron parser.
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { cacheDefaultsProblems, cacheTaskProblems, type CacheCheckOptions } from './cache-tasks';
import { findCycle } from './graph';
import { localTaskProblems, type LocalCheckOptions } from './local-tasks';
import type { DagDefinition, RetrySpec, TaskOptionsBase, TaskSpec } from './model';
import { isTriggerRule, TRIGGER_RULES } from './trigger-rules';

/** Airflow's key rule for dag and task ids: letters, digits, `_`, `.`, `-`; at most 250 chars. */
export const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}$/;

export interface DagProblem {
  dagId: string;
  taskId?: string;
  message: string;
}

export class DagValidationError extends Error {
  constructor(readonly problems: DagProblem[]) {
    super(formatProblems(problems));
    this.name = 'DagValidationError';
  }
}

export function formatProblems(problems: readonly DagProblem[]): string {
  const lines = problems.map((p) => `  - DAG '${p.dagId}'${p.taskId !== undefined ? `, task '${p.taskId}'` : ''}: ${p.message}`);
  return `${problems.length} problem(s) in DAG definitions:\n${lines.join('\n')}`;
}

export interface ValidateOptions extends LocalCheckOptions, CacheCheckOptions {
  /** Activity names the worker can run; when given, unknown activities are rejected. */
  activityNames?: ReadonlySet<string>;
}

function checkDuration(value: Duration | undefined, what: string, report: (m: string) => void): void {
  if (value === undefined) return;
  try {
    const ms = msToNumber(value);
    if (!Number.isFinite(ms) || ms <= 0) report(`${what} must be a positive duration, got ${JSON.stringify(value)}`);
  } catch {
    report(`${what} is not a duration (try '30s', '5 minutes' or a number of ms), got ${JSON.stringify(value)}`);
  }
}

function checkRetry(retry: RetrySpec | undefined, report: (m: string) => void): void {
  if (retry === undefined) return;
  const { maxAttempts, backoffCoefficient, nonRetryableErrorTypes } = retry;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    report(`retry.maxAttempts must be an integer ≥ 1 (1 = no retry), got ${maxAttempts}`);
  }
  if (backoffCoefficient !== undefined && !(backoffCoefficient >= 1)) {
    report(`retry.backoffCoefficient must be ≥ 1, got ${backoffCoefficient}`);
  }
  checkDuration(retry.initialInterval, 'retry.initialInterval', report);
  checkDuration(retry.maxInterval, 'retry.maxInterval', report);
  if (nonRetryableErrorTypes !== undefined && !nonRetryableErrorTypes.every((t) => typeof t === 'string' && t.length > 0)) {
    report('retry.nonRetryableErrorTypes must be a list of non-empty error type names');
  }
}

/** Problems in a task's options (also run for the options a run's params set). */
export function taskOptionProblems(o: TaskOptionsBase, report: (m: string) => void): void {
  checkRetry(o.retry, report);
  checkDuration(o.startToCloseTimeout, 'startToCloseTimeout', report);
  checkDuration(o.scheduleToCloseTimeout, 'scheduleToCloseTimeout', report);
  checkDuration(o.heartbeatTimeout, 'heartbeatTimeout', report);
  if (o.triggerRule !== undefined && !isTriggerRule(o.triggerRule)) {
    report(`unknown trigger rule '${String(o.triggerRule)}' (one of: ${TRIGGER_RULES.join(', ')})`);
  }
  if (o.taskQueue !== undefined && (typeof o.taskQueue !== 'string' || o.taskQueue.trim() === '')) {
    report('taskQueue must be a non-empty string');
  }
}

function checkTask(dag: DagDefinition, task: TaskSpec, ids: Set<string>, options: ValidateOptions, report: (m: string) => void): void {
  if (!ID_PATTERN.test(task.id)) report(`task id must match ${ID_PATTERN} (letters, digits, '_', '.', '-')`);
  taskOptionProblems(task, report);
  const seen = new Set<string>();
  for (const u of task.upstream) {
    if (u === task.id) report('depends on itself');
    else if (!ids.has(u)) report(`depends on unknown task '${u}'`);
    if (seen.has(u)) report(`lists upstream '${u}' twice`);
    seen.add(u);
  }
  if (task.activity !== undefined) {
    if (typeof task.activity !== 'string' || task.activity === '') report('activity must be a non-empty activity name');
    else if (options.activityNames && !options.activityNames.has(task.activity)) {
      report(`unknown activity '${task.activity}' (registered: ${[...options.activityNames].sort().join(', ') || 'none'})`);
    }
  } else if (task.expand !== undefined) {
    report('a mapped task needs an activity');
  }
  for (const r of task.reads ?? []) if (!ids.has(r)) report(`reads unknown task '${r}'`);
  if (task.expand !== undefined) {
    if (!task.upstream.includes(task.expand.from)) report(`expands over '${task.expand.from}', which is not one of its upstreams`);
    const mp = task.expand.maxParallel;
    if (mp !== undefined && (!Number.isInteger(mp) || mp < 1)) report(`maxParallel must be an integer ≥ 1, got ${mp}`);
    if (task.branch || task.shortCircuit) report('a mapped task cannot branch or short-circuit');
  }
  if (task.branch && task.shortCircuit) report('a task either branches or short-circuits, not both');
  const hasDownstream = dag.tasks.some((t) => t.upstream.includes(task.id));
  if ((task.branch || task.shortCircuit) && !hasDownstream) report('branches or short-circuits but has no downstream task');
  if (task.input !== undefined && typeof task.input !== 'function') report('input must be a function of the task context');
  if (task.runOptions !== undefined && typeof task.runOptions !== 'function') report('runOptions must be a function of the params');
  for (const m of localTaskProblems(dag, task, {}, options)) report(m);
  for (const m of cacheTaskProblems(task, options)) report(m);
}

/** Every problem in one DAG (empty when valid). */
export function dagProblems(dag: DagDefinition, options: ValidateOptions = {}): DagProblem[] {
  const problems: DagProblem[] = [];
  const dagId = typeof dag.id === 'string' ? dag.id : String(dag.id);
  const report = (message: string, taskId?: string) => problems.push({ dagId, message, ...(taskId !== undefined && { taskId }) });

  if (!ID_PATTERN.test(dagId)) report(`DAG id must match ${ID_PATTERN} (letters, digits, '_', '.', '-')`);
  if (!Number.isInteger(dag.maxActiveTasks) || dag.maxActiveTasks < 1) {
    report(`maxActiveTasks must be an integer ≥ 1, got ${dag.maxActiveTasks}`);
  }
  if (!(dag.params instanceof z.ZodObject)) report('params must be a zod object schema (z.object({...}))');
  taskOptionProblems(dag.defaults, (m) => report(`defaults: ${m}`));
  if (dag.defaults.local !== undefined && typeof dag.defaults.local !== 'boolean') {
    report(`defaults: local must be true or false, got ${JSON.stringify(dag.defaults.local)}`);
  }
  for (const m of cacheDefaultsProblems(dag)) report(m);
  if (dag.tasks.length === 0) report('has no tasks');

  const ids = new Set<string>();
  for (const task of dag.tasks) {
    if (ids.has(task.id)) report('duplicate task id', task.id);
    ids.add(task.id);
  }
  for (const task of dag.tasks) checkTask(dag, task, ids, options, (m) => report(m, task.id));

  const cycle = findCycle(dag.tasks);
  if (cycle) report(`has a cycle: ${cycle.join(' → ')}`, cycle[0]);
  return problems;
}

/** Every problem in a set of DAGs, including across DAGs (duplicate ids). */
export function collectProblems(dags: readonly DagDefinition[], options: ValidateOptions = {}): DagProblem[] {
  const problems: DagProblem[] = [];
  const seen = new Set<string>();
  for (const dag of dags) {
    if (seen.has(dag.id)) problems.push({ dagId: dag.id, message: 'two DAGs share this id' });
    seen.add(dag.id);
    problems.push(...dagProblems(dag, options));
  }
  return problems;
}
