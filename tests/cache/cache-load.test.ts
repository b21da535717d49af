/**
 * Step caching at load: `cache` and `pure` are checked once, and tasks with side effects refuse
 * `cache` with an error naming the DAG, the task and why (the list in activities/cache/policy.ts
 * comes from reading the activities). A DAG-wide default skips them instead.
 */
import { describe, expect, it } from 'vitest';
import { UNCACHEABLE_ACTIVITIES } from '../../activities/cache/policy';
import { activities } from '../../activities';
import { HEARTBEATING_ACTIVITIES } from '../../activities/long-running';
import { effectiveCache } from '../../core/cache-tasks';
import { createDagDefiner } from '../../core/define';
import { loadDags } from '../../core/load';
import type { DagDefinition, TaskOptionsBase } from '../../core/model';
import { DagValidationError } from '../../core/validate';
import { dags } from '../../dags';

const defineDag = createDagDefiner<typeof activities>();
const options = {
  activityNames: new Set(Object.keys(activities)),
  heartbeatingActivities: HEARTBEATING_ACTIVITIES,
  uncacheableActivities: UNCACHEABLE_ACTIVITIES,
};

function dagWith(activity: keyof typeof activities, task: TaskOptionsBase, defaults: TaskOptionsBase = {}): DagDefinition {
  return defineDag({ id: 'd', defaults }, (dag) => {
    dag.task('t', { activity, ...task } as never);
  }) as DagDefinition;
}

function problemsOf(dag: DagDefinition): string {
  try {
    loadDags([dag], options);
  } catch (err) {
    expect(err).toBeInstanceOf(DagValidationError);
    return (err as Error).message;
  }
  throw new Error('expected the DAG to be refused');
}

describe('cache at load', () => {
  it('accepts cache on pure steps, per task or DAG-wide, with a maxAge', () => {
    for (const a of ['mlSplit', 'mlTuneTrial', 'mlTrainModel', 'mlEvaluate', 'mlIngest', 'mlValidate', 'noop'] as const) {
      expect(() => loadDags([dagWith(a, { cache: { version: '2', maxAge: '7d' } })], options)).not.toThrow();
    }
    const dag = dagWith('mlSplit', {}, { cache: { version: '1' } });
    expect(() => loadDags([dag], options)).not.toThrow();
    expect(effectiveCache(dag, dag.tasks[0]!, options)).toEqual({ version: '1' });
  });

  it.each([...UNCACHEABLE_ACTIVITIES.entries()])('refuses cache on %s, naming the task and why', (activity, u) => {
    const msg = problemsOf(dagWith(activity as keyof typeof activities, { cache: { version: '1' } }));
    expect(msg).toContain("DAG 'd', task 't'");
    expect(msg).toContain(`runs '${activity}', which has side effects (${u.reason})`);
  });

  it('register, promote, reject and commands are among them', () => {
    for (const a of [
      'mlRegister',
      'registryRegisterModel',
      'registryPromoteModel',
      'mlReject',
      'runCommand',
      'mlReport',
      'mlExportModel',
    ]) {
      expect(UNCACHEABLE_ACTIVITIES.has(a)).toBe(true);
    }
  });

  it('a command step declared pure may be cached; pure on anything else is refused', () => {
    expect(() => loadDags([dagWith('runCommand', { cache: { version: '1' }, pure: true })], options)).not.toThrow();
    expect(problemsOf(dagWith('runCommand', { cache: { version: '1' } }))).toContain('If the command has none, declare pure: true');
    expect(problemsOf(dagWith('mlRegister', { cache: { version: '1' }, pure: true }))).toContain("'mlRegister' always has side effects");
    expect(problemsOf(dagWith('mlSplit', { pure: true }))).toContain('only command steps (runCommand) need');
  });

  it('a DAG-wide default skips tasks with side effects (they never cache); cache: false opts out', () => {
    const dag = defineDag({ id: 'd', defaults: { cache: { version: '3' } } }, (d) => {
      const a = d.task('split', { activity: 'mlSplit', input: {} as never });
      d.task('register', { activity: 'mlRegister', upstream: [a], input: {} as never });
      d.task('cmd', { activity: 'runCommand', pure: true, upstream: [a], input: {} as never });
      d.task('off', { activity: 'mlSplit', cache: false, upstream: [a], input: {} as never });
    }) as DagDefinition;
    expect(() => loadDags([dag], options)).not.toThrow();
    const cacheOf = (id: string) =>
      effectiveCache(
        dag,
        dag.tasks.find((t) => t.id === id)!,
        options,
      );
    expect(cacheOf('split')).toEqual({ version: '3' });
    expect(cacheOf('register')).toBeUndefined();
    expect(cacheOf('cmd')).toEqual({ version: '3' });
    expect(cacheOf('off')).toBeUndefined();
  });

  it('refuses malformed settings with what was expected', () => {
    expect(problemsOf(dagWith('mlSplit', { cache: { version: '' } }))).toContain('cache.version must be a non-empty string');
    expect(problemsOf(dagWith('mlSplit', { cache: { version: '1', maxAge: 'soon' } }))).toContain(
      "cache.maxAge must be a positive duration such as '7d'",
    );
    expect(problemsOf(dagWith('mlSplit', { cache: { version: '1', maxage: '1d' } as never }))).toContain("unknown key 'maxage'");
    expect(problemsOf(dagWith('mlSplit', { cache: true as never }))).toContain('cache must be { version');
    expect(problemsOf(dagWith('mlSplit', {}, { cache: { version: 1 } as never }))).toContain('defaults.cache.version');
    const empty = defineDag({ id: 'd' }, (d) => void d.empty('e', { cache: { version: '1' } } as never)) as DagDefinition;
    expect(problemsOf(empty)).toContain('cache on a task without an activity');
  });

  it('the shipped DAGs still load with the side-effect list', () => {
    expect(() => loadDags(dags, options)).not.toThrow();
  });
});
