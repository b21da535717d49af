import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDagDefiner } from '../../core/define';
import { loadDags } from '../../core/load';
import type { DagDefinition, TaskSpec } from '../../core/model';
import { DagValidationError } from '../../core/validate';

const acts = {
  emit: async (_: { n: number }) => [1, 2, 3],
  use: async (_: { values: number[] }) => 'ok',
  noop: async () => undefined,
};
const defineDag = createDagDefiner<typeof acts>();
const activityNames = new Set(Object.keys(acts));

function good(id = 'good'): DagDefinition {
  return defineDag({ id }, (dag) => {
    const a = dag.task('a', { activity: 'emit', input: () => ({ n: 1 }) });
    dag.task('b', { activity: 'use', upstream: [a], input: ({ upstream }) => ({ values: upstream.a }) });
  }) as DagDefinition;
}

/** A valid DAG with one task spec patched, as a malformed definition would arrive. */
function withTask(patch: Partial<TaskSpec>, taskId = 'b'): DagDefinition {
  const dag = good();
  return { ...dag, tasks: dag.tasks.map((t) => (t.id === taskId ? { ...t, ...patch } : t)) };
}

function problemsOf(dags: DagDefinition[]): string {
  try {
    loadDags(dags, { activityNames });
  } catch (err) {
    expect(err).toBeInstanceOf(DagValidationError);
    return (err as Error).message;
  }
  throw new Error('expected the DAGs to be rejected');
}

describe('DAG validation', () => {
  it('accepts a valid DAG', () => {
    expect(loadDags([good()], { activityNames }).get('good')?.tasks).toHaveLength(2);
  });

  it('rejects an unknown dependency, naming DAG and task', () => {
    expect(problemsOf([withTask({ upstream: ['a', 'ghost'] })])).toContain("DAG 'good', task 'b': depends on unknown task 'ghost'");
  });

  it('rejects a cycle and prints it', () => {
    const dag = defineDag({ id: 'loopy' }, (d) => {
      d.task('x', { activity: 'noop', upstream: ['z'] });
      d.task('y', { activity: 'noop', upstream: ['x'] });
      d.task('z', { activity: 'noop', upstream: ['y'] });
    }) as DagDefinition;
    expect(problemsOf([dag])).toMatch(/has a cycle: (x → y → z → x|y → z → x → y|z → x → y → z)/);
  });

  it('rejects a task depending on itself', () => {
    expect(problemsOf([withTask({ upstream: ['a', 'b'] })])).toContain("task 'b': depends on itself");
  });

  it('rejects duplicate task ids and duplicate DAG ids', () => {
    const dag = good();
    const dup = { ...dag, tasks: [...dag.tasks, { ...(dag.tasks[0] as TaskSpec) }] };
    expect(problemsOf([dup])).toContain("task 'a': duplicate task id");
    expect(problemsOf([good('same'), good('same')])).toContain("DAG 'same': two DAGs share this id");
  });

  it('rejects an unknown activity, listing the registered ones', () => {
    expect(problemsOf([withTask({ activity: 'trian' })])).toContain("task 'b': unknown activity 'trian' (registered: emit, noop, use)");
  });

  it.each([
    ['* * *', 'UTC', 'has 3 field(s); expected 5'],
    ['61 * * * *', 'UTC', 'invalid cron'],
    ['@fortnightly', 'UTC', "unknown cron preset '@fortnightly'"],
    ['0 3 * * *', 'Mars/Olympus', "unknown IANA timezone 'Mars/Olympus'"],
  ])('rejects schedule cron=%j tz=%j', (cron, timezone, message) => {
    expect(problemsOf([{ ...good(), schedule: { cron, timezone } }])).toContain(message);
  });

  it('rejects start dates after end dates and non-dates', () => {
    expect(problemsOf([{ ...good(), schedule: { cron: '@daily', startDate: '2024-02-01', endDate: '2024-01-01' } }])).toContain(
      'is after endDate',
    );
    expect(problemsOf([{ ...good(), schedule: { cron: '@daily', startDate: 'yesterday' } }])).toContain(
      'startDate must be an ISO-8601 date',
    );
  });

  it.each<[string, Partial<TaskSpec>, string]>([
    ['maxAttempts 0', { retry: { maxAttempts: 0 } }, 'retry.maxAttempts must be an integer ≥ 1'],
    ['backoff < 1', { retry: { backoffCoefficient: 0.5 } }, 'retry.backoffCoefficient must be ≥ 1'],
    ['bad interval', { retry: { initialInterval: 'soon' as never } }, 'retry.initialInterval is not a duration'],
    ['bad timeout', { startToCloseTimeout: 'forever' as never }, 'startToCloseTimeout is not a duration'],
    ['negative heartbeat', { heartbeatTimeout: -5 }, 'heartbeatTimeout must be a positive duration'],
    ['unknown trigger rule', { triggerRule: 'any_success' as never }, "unknown trigger rule 'any_success'"],
    ['bad task id', { id: 'has space' }, 'task id must match'],
    ['empty task queue', { taskQueue: ' ' }, 'taskQueue must be a non-empty string'],
    ['maxParallel 0', { expand: { from: 'a', maxParallel: 0 } }, 'maxParallel must be an integer ≥ 1'],
    ['expand over a non-upstream', { upstream: [], expand: { from: 'a' } }, "expands over 'a', which is not one of its upstreams"],
    ['reads of an unknown task', { reads: ['ghost'] }, "reads unknown task 'ghost'"],
    ['runOptions not a function', { runOptions: { taskQueue: 'q' } as never }, 'runOptions must be a function of the params'],
  ])('rejects %s', (_name, patch, message) => {
    expect(problemsOf([withTask(patch)])).toContain(message);
  });

  it('rejects a branch with nothing downstream to choose', () => {
    expect(problemsOf([withTask({ branch: () => null })])).toContain("task 'b': branches or short-circuits but has no downstream task");
  });

  it('rejects DAG-level problems: id, maxActiveTasks, params schema, no tasks, bad defaults', () => {
    const msg = problemsOf([
      { ...good(), id: '../etc', maxActiveTasks: 0, params: z.string() as never, tasks: [], defaults: { retry: { maxAttempts: 1.5 } } },
    ]);
    expect(msg).toContain('DAG id must match');
    expect(msg).toContain('maxActiveTasks must be an integer ≥ 1, got 0');
    expect(msg).toContain('params must be a zod object schema');
    expect(msg).toContain('has no tasks');
    expect(msg).toContain('defaults: retry.maxAttempts must be an integer ≥ 1');
  });

  it('reports every problem at once', () => {
    const err = (() => {
      try {
        loadDags([withTask({ upstream: ['ghost'], activity: 'nope' })], { activityNames });
      } catch (e) {
        return e as DagValidationError;
      }
      return undefined;
    })();
    expect(err?.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('ghost'), expect.stringContaining('nope')]),
    );
  });
});
