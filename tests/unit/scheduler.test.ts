import { describe, expect, it } from 'vitest';
import { createDagDefiner } from '../../core/define';
import type { DagDefinition } from '../../core/model';
import { RunScheduler, type Launch } from '../../core/scheduler';

type Acts = { work: (_?: unknown) => Promise<unknown>; list: () => Promise<number[]> };
const defineDag = createDagDefiner<Acts>();

function scheduler(dag: DagDefinition, params: unknown = {}): RunScheduler {
  let t = 0;
  return new RunScheduler(dag, { params, logicalDate: '2024-01-01T00:00:00.000Z', ds: '2024-01-01' }, () =>
    new Date(++t * 1000).toISOString(),
  );
}
const ids = (ls: Launch[]) => ls.map((l) => (l.mapIndex === undefined ? l.taskId : `${l.taskId}[${l.mapIndex}]`));
const states = (s: RunScheduler) => Object.fromEntries([...s.records.values()].map((r) => [r.id, r.state]));

describe('run scheduler', () => {
  const diamond = defineDag({ id: 'diamond', maxActiveTasks: 2 }, (d) => {
    const a = d.task('a', { activity: 'work' });
    const b = d.task('b', { activity: 'work', upstream: [a] });
    const c = d.task('c', { activity: 'work', upstream: [a] });
    const e = d.task('e', { activity: 'work', upstream: [a] });
    d.task('f', { activity: 'work', upstream: [b, c, e] });
  }) as DagDefinition;

  it('starts tasks in dependency order, within maxActiveTasks, ties in definition order', () => {
    const s = scheduler(diamond);
    expect(ids(s.poll())).toEqual(['a']);
    expect(s.poll()).toEqual([]);
    s.succeed({ taskId: 'a' }, 1, 1);
    expect(ids(s.poll())).toEqual(['b', 'c']);
    expect(s.activeCount).toBe(2);
    s.succeed({ taskId: 'c' }, 1, 1);
    expect(ids(s.poll())).toEqual(['e']);
    s.succeed({ taskId: 'b' }, 1, 1);
    expect(s.poll()).toEqual([]);
    s.succeed({ taskId: 'e' }, 1, 1);
    expect(ids(s.poll())).toEqual(['f']);
    s.succeed({ taskId: 'f' }, 1, 1);
    expect(s.isDone()).toBe(true);
    expect(s.failedLeaves()).toEqual([]);
  });

  it('propagates a failure as upstream_failed and names the failed leaf', () => {
    const s = scheduler(diamond);
    s.poll();
    s.succeed({ taskId: 'a' }, 1, 1);
    s.poll();
    s.fail({ taskId: 'b' }, 'boom', 3);
    s.poll();
    expect(states(s)).toMatchObject({ b: 'failed', f: 'upstream_failed' });
    expect(s.record('b')).toMatchObject({ error: 'boom', attempts: 3 });
  });

  it('skips what a branch does not choose, and a join with none_failed_min_one_success still runs', () => {
    const dag = defineDag({ id: 'br' }, (d) => {
      const pick = d.task('pick', { activity: 'work', branch: (out) => (out === 'left' ? 'left' : 'right') });
      const left = d.task('left', { activity: 'work', upstream: [pick] });
      const right = d.task('right', { activity: 'work', upstream: [pick] });
      const after = d.task('after_right', { activity: 'work', upstream: [right] });
      d.task('join', { activity: 'work', upstream: [left, after], triggerRule: 'none_failed_min_one_success' });
    }) as DagDefinition;
    const s = scheduler(dag);
    s.poll();
    s.succeed({ taskId: 'pick' }, 'left', 1);
    expect(ids(s.poll())).toEqual(['left']);
    expect(states(s)).toMatchObject({ right: 'skipped', after_right: 'skipped', join: 'pending' });
    expect(s.record('right').note).toBe("not chosen by branch 'pick'");
    s.succeed({ taskId: 'left' }, 1, 1);
    expect(ids(s.poll())).toEqual(['join']);
  });

  it('fails a branch that chooses a task that is not its direct downstream', () => {
    const dag = defineDag({ id: 'bad_branch' }, (d) => {
      const pick = d.task('pick', { activity: 'work', branch: () => 'elsewhere' });
      d.task('next', { activity: 'work', upstream: [pick] });
    }) as DagDefinition;
    const s = scheduler(dag);
    s.poll();
    s.succeed({ taskId: 'pick' }, 1, 1);
    s.poll();
    expect(s.record('pick')).toMatchObject({ state: 'failed' });
    expect(s.record('pick').error).toContain("'elsewhere', not a direct downstream");
    expect(s.record('next').state).toBe('upstream_failed');
  });

  it('short-circuit skips every descendant by default, only direct ones when trigger rules are honoured', () => {
    const build = (ignore: boolean) =>
      defineDag({ id: 'sc' }, (d) => {
        const gate = d.task('gate', { activity: 'work', shortCircuit: () => false, ignoreDownstreamTriggerRules: ignore });
        const next = d.task('next', { activity: 'work', upstream: [gate] });
        d.task('cleanup', { activity: 'work', upstream: [next], triggerRule: 'all_done' });
      }) as DagDefinition;
    const all = scheduler(build(true));
    all.poll();
    all.succeed({ taskId: 'gate' }, 0, 1);
    expect(all.poll()).toEqual([]);
    expect(states(all)).toMatchObject({ next: 'skipped', cleanup: 'skipped' });
    const direct = scheduler(build(false));
    direct.poll();
    direct.succeed({ taskId: 'gate' }, 0, 1);
    expect(ids(direct.poll())).toEqual(['cleanup']);
  });

  it('fans out over a list within maxParallel and collects outputs in order', () => {
    const dag = defineDag({ id: 'fan', maxActiveTasks: 8 }, (d) => {
      const src = d.task('src', { activity: 'list' });
      const each = d.map('each', { activity: 'work', over: src, maxParallel: 2 });
      d.task('sink', { activity: 'work', upstream: [each] });
    }) as DagDefinition;
    const s = scheduler(dag);
    s.poll();
    s.succeed({ taskId: 'src' }, [10, 20, 30], 1);
    expect(ids(s.poll())).toEqual(['each[0]', 'each[1]']);
    s.succeed({ taskId: 'each', mapIndex: 1 }, 'b', 1);
    expect(ids(s.poll())).toEqual(['each[2]']);
    s.succeed({ taskId: 'each', mapIndex: 2 }, 'c', 2);
    s.succeed({ taskId: 'each', mapIndex: 0 }, 'a', 1);
    expect(ids(s.poll())).toEqual(['sink']);
    expect(s.record('each')).toMatchObject({ state: 'success', output: ['a', 'b', 'c'], attempts: 2 });
  });

  it('skips a fan-out over an empty list and fails one over a non-list', () => {
    const dag = defineDag({ id: 'fan2' }, (d) => {
      const src = d.task('src', { activity: 'list' });
      d.map('each', { activity: 'work', over: src });
    }) as DagDefinition;
    const empty = scheduler(dag);
    empty.poll();
    empty.succeed({ taskId: 'src' }, [], 1);
    empty.poll();
    expect(empty.record('each').state).toBe('skipped');
    const notList = scheduler(dag);
    notList.poll();
    notList.succeed({ taskId: 'src' }, { a: 1 }, 1);
    notList.poll();
    expect(notList.record('each')).toMatchObject({ state: 'failed', error: "cannot fan out over 'src': its output is not a list" });
  });

  it('counts mapped instances against maxActiveTasks', () => {
    const dag = defineDag({ id: 'fan3', maxActiveTasks: 3 }, (d) => {
      const src = d.task('src', { activity: 'list' });
      d.map('each', { activity: 'work', over: src });
      d.task('other', { activity: 'work', upstream: [src] });
    }) as DagDefinition;
    const s = scheduler(dag);
    s.poll();
    s.succeed({ taskId: 'src' }, [1, 2, 3, 4, 5], 1);
    const first = ids(s.poll());
    expect(first).toHaveLength(3);
    expect(s.activeCount).toBe(3);
  });
});
