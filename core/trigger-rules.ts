/**
 * Airflow's trigger rules, evaluated over the states of a task's direct upstreams.
 *
 * Pure and deterministic: imported by workflow code, the CLI and unit tests alike.
 * Semantics follow Airflow's `trigger_rule_dep.py`: a rule made impossible by a failure
 * yields `upstream_failed`, one made impossible by a skip (or by an event that can no
 * longer happen) yields `skipped`.
 */

export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;

export type TriggerRule = (typeof TRIGGER_RULES)[number];

export const TASK_STATES = ['pending', 'running', 'success', 'failed', 'upstream_failed', 'skipped'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** States a task never leaves. */
export type FinishedState = 'success' | 'failed' | 'upstream_failed' | 'skipped';

export function isFinished(state: TaskState): state is FinishedState {
  return state === 'success' || state === 'failed' || state === 'upstream_failed' || state === 'skipped';
}

/** What a pending task should do now: keep waiting, run, or settle without running. */
export type RuleVerdict = 'wait' | 'run' | 'skipped' | 'upstream_failed';

export function isTriggerRule(value: unknown): value is TriggerRule {
  return typeof value === 'string' && (TRIGGER_RULES as readonly string[]).includes(value);
}

interface UpstreamCounts {
  total: number;
  success: number;
  failed: number;
  upstreamFailed: number;
  skipped: number;
  done: number;
}

function countStates(states: readonly TaskState[]): UpstreamCounts {
  const c: UpstreamCounts = { total: states.length, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, done: 0 };
  for (const s of states) {
    if (s === 'success') c.success++;
    else if (s === 'failed') c.failed++;
    else if (s === 'upstream_failed') c.upstreamFailed++;
    else if (s === 'skipped') c.skipped++;
    if (isFinished(s)) c.done++;
  }
  return c;
}

/**
 * Decide a pending task's fate from its direct upstreams' states.
 * A task without upstreams always runs (Airflow ignores the rule for root tasks).
 */
export function evaluateTriggerRule(rule: TriggerRule, upstream: readonly TaskState[]): RuleVerdict {
  if (upstream.length === 0 || rule === 'always') return 'run';
  const c = countStates(upstream);
  const allDone = c.done === c.total;
  const anyFailure = c.failed + c.upstreamFailed > 0;

  switch (rule) {
    case 'all_success':
      if (anyFailure) return 'upstream_failed';
      if (c.skipped > 0) return 'skipped';
      return c.success === c.total ? 'run' : 'wait';
    case 'all_failed':
      if (c.success + c.skipped > 0) return 'skipped';
      return c.failed + c.upstreamFailed === c.total ? 'run' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'all_skipped':
      if (c.success + c.failed + c.upstreamFailed > 0) return 'skipped';
      return c.skipped === c.total ? 'run' : 'wait';
    case 'one_success':
      if (c.success > 0) return 'run';
      if (!allDone) return 'wait';
      return c.skipped === c.total ? 'skipped' : 'upstream_failed';
    case 'one_failed':
      if (anyFailure) return 'run';
      return allDone ? 'skipped' : 'wait';
    case 'one_done':
      if (c.success + c.failed > 0) return 'run';
      return allDone ? 'skipped' : 'wait';
    case 'none_failed':
      if (anyFailure) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      if (anyFailure) return 'upstream_failed';
      if (!allDone) return 'wait';
      return c.skipped === c.total ? 'skipped' : 'run';
    case 'none_skipped':
      if (c.skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
  }
}
