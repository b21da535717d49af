/**
 * Inputs as templates: the upstreams are what the input references, references resolve against
 * the context the worker builds, and an empty task with an input outputs it (computed in the
 * workflow, read downstream).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDagDefiner } from '../../core/define';
import type { DagDefinition, MapInputContext, TaskSpec } from '../../core/model';
import { RunScheduler } from '../../core/scheduler';

type Acts = {
  load: (_: { path: string }) => Promise<{ rows: number; table: { name: string; columns: string[] } }>;
  fit: (_: { rows: number; columns: string[]; seed: number; day: string }) => Promise<{ score: number }>;
  trial: (_: { n: number; rows: number }) => Promise<{ loss: number }>;
  note: (_: { score: number | null; best: number; decided: string; rejected: { why: string } | null }) => Promise<string>;
  nothing: () => Promise<undefined>;
  emit: () => Promise<number[]>;
};
const defineDag = createDagDefiner<Acts>();
const params = z.object({ path: z.string().default('/data'), seed: z.number().default(7), min: z.number().default(0.5) });

const dag = defineDag({ id: 'refs', params }, (d) => {
  const load = d.task('load', { activity: 'load', input: { path: d.params.path } });
  const list = d.task('list', { activity: 'emit' });
  const fit = d.task('fit', {
    activity: 'fit',
    input: { rows: load.out.rows, columns: load.out.table.columns, seed: d.params.seed, day: d.run.ds },
  });
  const trials = d.map('trials', { activity: 'trial', over: list, input: { n: d.item(list), rows: load.out.rows } });
  const gate = d.empty('gate', {
    input: d.compute([fit, trials], ([f, t], { params: p }) => ({ pass: f.score >= p.min, trials: t.length })),
    branch: (decision) => (decision.pass ? 'kept' : 'dropped'),
  });
  const kept = d.task('kept', { activity: 'nothing', upstream: [gate] });
  const dropped = d.task('dropped', { activity: 'load', upstream: [gate], input: { path: 'x' } });
  d.task('note', {
    activity: 'note',
    upstream: [kept],
    triggerRule: 'none_failed_min_one_success',
    input: {
      score: fit.out.score,
      best: d.compute(trials, (ts) => Math.min(...ts.map((t) => t.loss))),
      decided: d.compute(gate, (g) => (g.pass ? 'kept' : 'dropped')),
      rejected: dropped as never,
    },
  });
}) as DagDefinition;

const spec = (id: string) => dag.tasks.find((t) => t.id === id) as TaskSpec;
const ctxFor = (upstream: Record<string, unknown>, extra: Partial<MapInputContext> = {}): MapInputContext => ({
  dagId: 'refs',
  taskId: 't',
  workflowId: 'w',
  runId: 'r',
  logicalDate: '2024-01-01T00:00:00.000Z',
  ds: '2024-01-01',
  dataIntervalStart: '2024-01-01T00:00:00.000Z',
  dataIntervalEnd: '2024-01-02T00:00:00.000Z',
  params: params.parse({}),
  upstream,
  item: undefined,
  mapIndex: -1,
  ...extra,
});

describe('input templates', () => {
  it('make the referenced tasks the upstreams, explicit ones first, each once', () => {
    expect(spec('load').upstream).toEqual([]);
    expect(spec('fit').upstream).toEqual(['load']);
    expect(spec('trials').upstream).toEqual(['list', 'load']);
    expect(spec('gate').upstream).toEqual(['fit', 'trials']);
  });

  it('only read (no edge) a referenced task that is already an ancestor, so a branch does not skip the reader', () => {
    expect(spec('note').upstream).toEqual(['kept', 'dropped']);
    expect(spec('note').reads).toEqual(['fit', 'trials', 'gate']);
  });

  it('resolve fields of upstream outputs, params and run values on the worker', () => {
    const load = { rows: 3, table: { name: 't', columns: ['a', 'b'] } };
    expect(spec('fit').input?.(ctxFor({ load }))).toEqual({ rows: 3, columns: ['a', 'b'], seed: 7, day: '2024-01-01' });
    expect(spec('load').input?.(ctxFor({}))).toEqual({ path: '/data' });
  });

  it('resolve the mapped item', () => {
    expect(spec('trials').input?.(ctxFor({ load: { rows: 5 } }, { item: 42, mapIndex: 0 }))).toEqual({ n: 42, rows: 5 });
  });

  it('read a skipped upstream as null and leave out fields that resolve to undefined', () => {
    const input = spec('note').input?.(ctxFor({ fit: {}, trials: [{ loss: 2 }, { loss: 0.5 }], gate: { pass: true } }));
    expect(input).toEqual({ best: 0.5, decided: 'kept', rejected: null });
  });

  it('an empty task outputs its computed input, branches on it, and downstream reads it', () => {
    const s = new RunScheduler(dag, { params: params.parse({}), logicalDate: '2024-01-01T00:00:00.000Z', ds: '2024-01-01' }, () => 'now');
    s.poll();
    s.succeed({ taskId: 'load' }, { rows: 3 }, 1);
    s.succeed({ taskId: 'list' }, [1, 2], 1);
    s.poll();
    s.succeed({ taskId: 'fit' }, { score: 0.4 }, 1);
    s.succeed({ taskId: 'trials', mapIndex: 0 }, { loss: 1 }, 1);
    s.succeed({ taskId: 'trials', mapIndex: 1 }, { loss: 2 }, 1);
    expect(s.poll().map((l) => l.taskId)).toEqual(['dropped']);
    expect(s.record('gate')).toMatchObject({ state: 'success', output: { pass: false, trials: 2 } });
    expect(s.record('kept').state).toBe('skipped');
    s.succeed({ taskId: 'dropped' }, { rows: 0 }, 1);
    // note reads the gate's decision but is downstream of the chosen path, not of the branch itself.
    expect(s.poll().map((l) => l.taskId)).toEqual(['note']);
  });

  it('an empty task fails, naming the upstream, when what it reads was offloaded to S3', () => {
    const s = new RunScheduler(dag, { params: params.parse({}), logicalDate: '2024-01-01T00:00:00.000Z', ds: '2024-01-01' }, () => 'now');
    s.poll();
    s.succeed({ taskId: 'load' }, { rows: 3 }, 1);
    s.succeed({ taskId: 'list' }, [1], 1);
    s.poll();
    s.succeed({ taskId: 'fit' }, { $tideflowRef: 1, uri: 's3://b/k', bytes: 9, sha256: 'x' }, 1);
    s.succeed({ taskId: 'trials', mapIndex: 0 }, { loss: 1 }, 1);
    s.poll();
    expect(s.record('gate').state).toBe('failed');
    expect(s.record('gate').error).toContain("reads 'fit', whose output is too large to read in the workflow");
  });

  it('the older form (upstream + input function) still works', () => {
    const old = defineDag({ id: 'old' }, (d) => {
      const load = d.task('load', { activity: 'load', input: () => ({ path: 'p' }) });
      d.task('trial', { activity: 'trial', upstream: [load], input: ({ upstream }) => ({ n: 1, rows: upstream.load.rows }) });
    }) as DagDefinition;
    const trial = old.tasks[1] as TaskSpec;
    expect(trial.upstream).toEqual(['load']);
    expect(trial.input?.(ctxFor({ load: { rows: 9 } }))).toEqual({ n: 1, rows: 9 });
  });

  it('a compute reference runs with the run values and params', () => {
    const d2 = defineDag({ id: 'c', params }, (d) => {
      d.task('load', { activity: 'load', input: { path: d.compute(d.params, (p, run) => `${p.path}/${run.ds}`) } });
    }) as DagDefinition;
    expect(d2.tasks[0]?.input?.(ctxFor({}))).toEqual({ path: '/data/2024-01-01' });
  });
});
