/** `local: true` is checked once at load: what a local activity cannot do is refused, naming the task and why. */
import { describe, expect, it } from 'vitest';
import { createDagDefiner, type DagOptions } from '../../core/define';
import { isLocalTask, localTaskProblems } from '../../core/local-tasks';
import { loadDags } from '../../core/load';
import type { DagDefinition, TaskOptionsBase } from '../../core/model';
import { DagValidationError } from '../../core/validate';
import { dags } from '../../dags';
import { HEARTBEATING_ACTIVITIES } from '../../activities/long-running';

const acts = { quick: async () => 'ok', fit: async () => 'model' };
const defineDag = createDagDefiner<typeof acts>();
const validate = { activityNames: new Set(Object.keys(acts)), heartbeatingActivities: new Set(['fit']) };

/** A DAG with one task `t` running `quick` with these options (and an empty join after it). */
function dagWith(task: TaskOptionsBase, defaults?: DagOptions<never>['defaults'], activity: 'quick' | 'fit' = 'quick'): DagDefinition {
  return defineDag({ id: 'd', ...(defaults && { defaults }) }, (dag) => {
    const t = dag.task('t', { activity, ...task });
    dag.empty('after', { upstream: [t] });
  }) as DagDefinition;
}

function problemsOf(dag: DagDefinition): string {
  try {
    loadDags([dag], validate);
  } catch (err) {
    expect(err).toBeInstanceOf(DagValidationError);
    return (err as Error).message;
  }
  throw new Error('expected the DAG to be refused');
}

describe('local tasks at load', () => {
  it('accepts a short local task, and a DAG default that makes every activity task local', () => {
    expect(() => loadDags([dagWith({ local: true, startToCloseTimeout: '5s' })], validate)).not.toThrow();
    const dag = dagWith({}, { local: true, startToCloseTimeout: '10 seconds' });
    expect(() => loadDags([dag], validate)).not.toThrow();
    expect(isLocalTask(dag, dag.tasks[0]!)).toBe(true);
    // An empty task runs in the workflow anyway: the default does not apply to it.
    expect(isLocalTask(dag, dag.tasks[1]!)).toBe(false);
  });

  it('a task opts out of a local default with local: false', () => {
    const dag = dagWith({ local: false, heartbeatTimeout: '1 minute' }, { local: true, startToCloseTimeout: '5s' });
    expect(() => loadDags([dag], validate)).not.toThrow();
    expect(isLocalTask(dag, dag.tasks[0]!)).toBe(false);
  });

  it('refuses a start-to-close timeout over 10 s, naming the task and why', () => {
    const message = problemsOf(dagWith({ local: true, startToCloseTimeout: '5 minutes' }));
    expect(message).toContain("DAG 'd', task 't': startToCloseTimeout \"5 minutes\" exceeds 10s but it is local: true");
    expect(message).toContain('holds the workflow task');
  });

  it('refuses a local task without a timeout of its own or from the defaults (the engine default is 1 hour)', () => {
    expect(problemsOf(dagWith({ local: true }))).toContain("task 't': it is local: true but declares no startToCloseTimeout");
  });

  it('refuses heartbeats and task queues, which local activities do not have', () => {
    const message = problemsOf(dagWith({ local: true, startToCloseTimeout: '5s', heartbeatTimeout: '2s', taskQueue: 'ml' }));
    expect(message).toContain(
      'declares heartbeatTimeout "2s" but it is local: true: a local activity cannot heartbeat to the Temporal server',
    );
    expect(message).toContain("sets taskQueue 'ml' but it is local: true: a local activity runs on the worker that runs the workflow");
  });

  it('refuses an activity that heartbeats through long work, also through the DAG default', () => {
    const message = problemsOf(dagWith({}, { local: true, startToCloseTimeout: '5s' }, 'fit'));
    expect(message).toContain("task 't': runs 'fit', which does long work in a worker thread or child process");
    expect(message).toContain('the DAG defaults to local: true (set local: false on the task)');
  });

  it('refuses local on an empty task and a non-boolean value', () => {
    const dag = dagWith({ local: true, startToCloseTimeout: '5s' });
    const broken = { ...dag, tasks: dag.tasks.map((t) => (t.id === 'after' ? { ...t, local: true } : t)) };
    expect(problemsOf(broken)).toContain("task 'after': local: true on a task without an activity");
    expect(problemsOf({ ...dag, defaults: { local: 'yes' as never } })).toContain('defaults: local must be true or false, got "yes"');
  });

  it('refuses what a run sets: local itself, or a longer timeout for a local task', () => {
    const dag = dagWith({ local: true, startToCloseTimeout: '5s' });
    const spec = dag.tasks[0]!;
    expect(localTaskProblems(dag, spec, { local: false })).toEqual([expect.stringContaining('local cannot be set per run')]);
    expect(localTaskProblems(dag, spec, { startToCloseTimeout: '1 minute' })).toEqual([expect.stringContaining('exceeds 10s')]);
    expect(localTaskProblems(dag, spec, { startToCloseTimeout: '2s' })).toEqual([]);
  });

  it("the project's DAGs load with the worker's list of heartbeating activities", () => {
    const names = new Set(dags.flatMap((d) => d.tasks.flatMap((t) => (t.activity ? [t.activity] : []))));
    expect(() => loadDags(dags, { activityNames: names, heartbeatingActivities: HEARTBEATING_ACTIVITIES })).not.toThrow();
  });
});
