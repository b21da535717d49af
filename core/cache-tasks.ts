/**
 * Step caching at load: which tasks are cached, with which settings, and what a task may declare.
 *
 * A task is cached when it sets `cache: { version }`, or when the DAG's `defaults.cache` does and
 * the task neither opts out (`cache: false`) nor runs an activity with side effects. Activities
 * with side effects (registering or promoting a model, signalling a controller, writing outside
 * the run's own artifacts, reading state that changes under the same input) are listed by the
 * activity layer (activities/cache/policy.ts) and passed in: an explicit `cache` on such a task is
 * refused naming the task and the reason. Command steps may declare `pure: true` to be cacheable.
 * The key and the index live in activities/cache (the worker side); this file stays pure.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import type { CacheSpec, DagDefinition, TaskSpec } from './model';

/** Why an activity can never be cached; `pureAllowed`: a task declaring `pure: true` lifts it (command steps). */
export interface UncacheableActivity {
  reason: string;
  pureAllowed?: boolean;
}

export interface CacheCheckOptions {
  uncacheableActivities?: ReadonlyMap<string, UncacheableActivity>;
}

/** Whether the activity's side effects forbid caching for this task. */
function blocked(spec: TaskSpec, options: CacheCheckOptions): UncacheableActivity | undefined {
  const u = spec.activity === undefined ? undefined : options.uncacheableActivities?.get(spec.activity);
  if (!u) return undefined;
  return u.pureAllowed && spec.pure === true ? undefined : u;
}

/**
 * The cache settings a task runs with, or undefined when it is not cached. A DAG-wide default
 * skips tasks whose activity has side effects (they are never cached); validation reports an
 * explicit `cache` on them.
 */
export function effectiveCache(dag: Pick<DagDefinition, 'defaults'>, spec: TaskSpec, options: CacheCheckOptions): CacheSpec | undefined {
  if (spec.activity === undefined || spec.cache === false) return undefined;
  if (spec.cache) return blocked(spec, options) ? undefined : spec.cache;
  const d = dag.defaults.cache;
  if (!d || blocked(spec, options)) return undefined;
  return d;
}

function specProblems(value: unknown, where: string): string[] {
  if (value === undefined || value === false) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${where} must be { version: '<string>', maxAge?: '<duration>' } or false, got ${JSON.stringify(value)}`];
  }
  const problems: string[] = [];
  const { version, maxAge, ...rest } = value as Record<string, unknown>;
  if (typeof version !== 'string' || version.trim() === '') {
    problems.push(
      `${where}.version must be a non-empty string (bump it when the step's code changes meaning), got ${JSON.stringify(version)}`,
    );
  }
  if (maxAge !== undefined) {
    let ms: number | undefined;
    try {
      ms = msToNumber(maxAge as string);
    } catch {
      ms = undefined;
    }
    if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
      problems.push(`${where}.maxAge must be a positive duration such as '7d' or '12 hours', got ${JSON.stringify(maxAge)}`);
    }
  }
  for (const k of Object.keys(rest)) problems.push(`${where} has unknown key '${k}' (known: version, maxAge)`);
  return problems;
}

/** Problems with the DAG-wide `defaults.cache` (reported once for the DAG). */
export function cacheDefaultsProblems(dag: Pick<DagDefinition, 'defaults'>): string[] {
  return specProblems(dag.defaults.cache, 'defaults.cache');
}

/** Problems with one task's `cache` / `pure`, naming why a task with side effects cannot be cached. */
export function cacheTaskProblems(spec: TaskSpec, options: CacheCheckOptions): string[] {
  const problems = specProblems(spec.cache, 'cache');
  if (spec.pure !== undefined && typeof spec.pure !== 'boolean')
    problems.push(`pure must be true or false, got ${JSON.stringify(spec.pure)}`);
  if (spec.cache !== undefined && spec.cache !== false && spec.activity === undefined) {
    problems.push('cache on a task without an activity (an empty task is settled in the workflow at no cost)');
  }
  const u = spec.activity === undefined ? undefined : options.uncacheableActivities?.get(spec.activity);
  if (spec.pure === true && spec.activity !== undefined && !u?.pureAllowed) {
    problems.push(
      u
        ? `declares pure: true, but '${spec.activity}' always has side effects (${u.reason}); pure is for command steps`
        : `declares pure: true, which only command steps (runCommand) need: '${spec.activity}' is cacheable as it is`,
    );
  }
  if (spec.cache && u && !(u.pureAllowed && spec.pure === true)) {
    problems.push(
      `sets cache but runs '${spec.activity}', which has side effects (${u.reason}): a cache hit would skip them. ` +
        (u.pureAllowed ? 'If the command has none, declare pure: true; else remove cache.' : 'Remove cache from this task.'),
    );
  }
  return problems;
}
