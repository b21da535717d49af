import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDagDefiner } from '../../core/define';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import type { TaskState } from '../../core/trigger-rules';
import { compactJson, formatDuration, table, truncate } from '../../cli/format';
import { formatDagSummary, paramsJsonSchema, summarizeDag } from '../../cli/format-dags';
import { formatLiveStatus, formatRun, formatTaskEvent, taskEvents } from '../../cli/format-run';
import { reconcileStatus } from '../../cli/reconcile-status';
import { fakeRunView } from './helpers';

describe('table', () => {
  it('pads columns to the widest cell and trims trailing space', () => {
    expect(
      table(
        ['A', 'LONG HEADER', 'C'],
        [
          ['xyz', '1', ''],
          ['', '22', 'last'],
        ],
      ),
    ).toBe(['A    LONG HEADER  C', 'xyz  1', '     22           last', ''].join('\n'));
  });

  it('cuts long cells except in the last column', () => {
    const out = table(['A', 'B'], [['abcdefghij', 'abcdefghij']], { maxCellWidth: 5 });
    expect(out.split('\n')[1]).toBe('abcd…  abcdefghij');
  });
});

describe('small formatters', () => {
  it('formats durations', () => {
    expect(formatDuration(200)).toBe('0.2s');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(NaN)).toBe('');
  });

  it('truncates to the first line', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('line one\nline two', 20)).toBe('line one…');
    expect(truncate('abcdefghijkl', 6)).toBe('abcde…');
    expect(compactJson({ a: 1 })).toBe('{"a":1}');
  });
});

type Acts = { emit: () => Promise<number[]>; use: (_: { x: number }) => Promise<string> };
const defineDag = createDagDefiner<Acts>();
const dag = defineDag(
  {
    id: 'demo',
    description: 'A demo',
    tags: ['t1'],
    params: z.object({ n: z.number().int().default(3), when: z.date().optional() }),
    schedule: { cron: '0 3 * * *', timezone: 'Europe/Paris' },
  },
  (d) => {
    const list = d.task('list', { activity: 'emit' });
    const gate = d.empty('gate', { upstream: [list], branch: () => 'each' });
    d.map('each', { activity: 'use', over: list, upstream: [gate], maxParallel: 2, input: ({ item }) => ({ x: item as number }) });
    d.empty('stop', { upstream: [gate], shortCircuit: () => true });
    d.empty('end', { upstream: ['each', 'stop'], triggerRule: 'all_done' });
  },
) as DagDefinition;

describe('DAG summaries', () => {
  it('describes tasks as data', () => {
    const s = summarizeDag(dag);
    expect(s).toMatchObject({ id: 'demo', description: 'A demo', tags: ['t1'], taskCount: 5, schedule: { cron: '0 3 * * *' } });
    expect(s.tasks.find((t) => t.id === 'each')).toMatchObject({
      activity: 'use',
      mapsOver: 'list',
      maxParallel: 2,
      upstream: ['list', 'gate'],
    });
    expect(s.tasks.find((t) => t.id === 'gate')).toMatchObject({ activity: null, branch: true, shortCircuit: false });
    expect(s.tasks.find((t) => t.id === 'end')?.triggerRule).toBe('all_done');
  });

  it('renders the task table with markers', () => {
    const text = formatDagSummary(summarizeDag(dag));
    expect(text).toContain('demo — A demo');
    expect(text).toContain('tags: t1 · schedule: 0 3 * * * (Europe/Paris) · 5 tasks');
    expect(text).toMatch(/gate\s+list\s+\(empty\)\s+branch/);
    expect(text).toMatch(/each\s+list, gate\s+use\s+maps over list \(max 2 parallel\)/);
    expect(text).toMatch(/stop\s+gate\s+\(empty\)\s+short-circuit/);
    expect(text).toMatch(/end\s+each, stop\s+\(empty\)\s+trigger: all_done/);
    expect(text).not.toMatch(/list\s+-\s+emit\s+trigger/);
  });

  it('gives the params JSON Schema as input (defaults optional), leniently for unrepresentable fields', () => {
    const ok = paramsJsonSchema(z.object({ n: z.number().default(3) }));
    expect(ok.paramsSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number', default: 3 } } });
    expect(ok.paramsSchema?.['required']).toBeUndefined();
    expect(ok.paramsSchemaNote).toBeUndefined();
    const partial = summarizeDag(dag);
    expect(partial.paramsSchema).toMatchObject({ properties: { n: { default: 3 } } });
    expect(partial.paramsSchemaNote).toMatch(/^partial: Date cannot be represented/);
  });
});

function view(states: Record<string, TaskState>, extra: Partial<RunView> = {}): RunView {
  return fakeRunView({
    params: { n: 3 },
    tasks: Object.entries(states).map(([id, state]) => ({ id, state, attempts: state === 'pending' ? 0 : 1 })),
    ...extra,
  });
}

describe('run views', () => {
  it('prints one line per state change, never twice', () => {
    const seen = new Map<string, TaskState>();
    expect(taskEvents(view({ extract: 'running', train: 'pending' }), seen)).toEqual(['  ▸ extract  running']);
    expect(taskEvents(view({ extract: 'running', train: 'pending' }), seen)).toEqual([]);
    const v = view({ extract: 'success', train: 'failed' });
    Object.assign(v.tasks[0] ?? {}, { startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:00.200Z' });
    Object.assign(v.tasks[1] ?? {}, { attempts: 3, error: 'ValueError: nan loss' });
    expect(taskEvents(v, seen)).toEqual([
      '  ✓ extract  success (1 attempt, 0.2s)',
      '  ✗ train    failed: ValueError: nan loss (3 attempts)',
    ]);
  });

  it('explains skips and mapped tasks', () => {
    expect(formatTaskEvent({ id: 'alert', state: 'skipped', attempts: 0, note: "not chosen by branch 'check'" }, 5)).toBe(
      "  ↷ alert  skipped (not chosen by branch 'check')",
    );
    expect(formatTaskEvent({ id: 'join', state: 'success', attempts: 0 }, 4)).toBe('  ✓ join  success');
    expect(formatTaskEvent({ id: 'm', state: 'success', attempts: 1, mapped: { total: 4, running: 0, succeeded: 4, failed: 0 } }, 1)).toBe(
      '  ✓ m  success (4 mapped)',
    );
  });

  it('renders header and table, repeating long errors in full', () => {
    const long = `Boom: ${'x'.repeat(100)}`;
    const v = view({ a: 'success', b: 'failed', c: 'upstream_failed' }, { status: 'failed', endedAt: '2024-01-01T00:01:05.000Z' });
    Object.assign(v.tasks[0] ?? {}, { startedAt: '2024-01-01T00:00:01.000Z', endedAt: '2024-01-01T00:00:03.500Z' });
    Object.assign(v.tasks[1] ?? {}, { error: long, attempts: 3 });
    Object.assign(v.tasks[2] ?? {}, { attempts: 0, note: 'trigger rule all_success' });
    const text = formatRun(v, Date.parse('2024-01-01T00:02:00Z'));
    expect(text).toContain('DAG:            demo');
    expect(text).toContain('Status:         failed after 1m 05s');
    expect(text).toContain('Logical date:   2024-01-01 00:00:00Z (ds 2024-01-01)');
    expect(text).toContain('Params:         {"n":3}');
    expect(text).toContain('Data interval:  2023-12-31 00:00:00Z → 2024-01-01 00:00:00Z');
    expect(text).toMatch(/TASK\s+STATE\s+ATTEMPTS\s+STARTED \(UTC\)\s+DURATION\s+ERROR \/ NOTE/);
    expect(text).toMatch(/a\s+✓ success\s+1\s+00:00:01\s+2\.5s/);
    expect(text).toMatch(/c\s+✗ upstream_failed\s+trigger rule all_success/);
    expect(text).toContain(`Errors:\n  b: ${long}`);
  });

  it('keeps the live block within the screen', () => {
    const states: Record<string, TaskState> = {};
    for (let i = 0; i < 30; i++) states[`t${i}`] = i === 7 ? 'running' : i < 7 ? 'success' : 'pending';
    const lines = formatLiveStatus(view(states), Date.parse('2024-01-01T00:00:10Z'), 10);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines[0]).toBe('demo  running · 7/30 done · 1 running · 10.0s');
    expect(lines).toContain('  ▸ t7');
    expect(lines.at(-1)).toBe('  … 29 more');
    expect(formatLiveStatus(view({ a: 'success' }), 0, 10)).toHaveLength(2);
    const narrow = formatLiveStatus(view({ a_rather_long_task_name: 'running' }), Date.parse('2024-01-01T00:00:10Z'), 10, undefined, 20);
    expect(narrow).toEqual(['demo  running · 0/1…', '  ▸ a_rather_long_t…']);
    for (const l of narrow) expect([...l].length).toBeLessThanOrEqual(20);
  });

  it('trusts the server when a closed run still reads "running"', () => {
    const v = view({ a: 'success', b: 'running' });
    const fixed = reconcileStatus(v, { status: { name: 'CANCELLED' }, closeTime: new Date('2024-01-01T00:00:09Z') });
    expect(fixed.status).toBe('cancelled');
    expect(fixed.endedAt).toBe('2024-01-01T00:00:09.000Z');
    expect(fixed.tasks[1]?.note).toBe('run cancelled before this task ended');
    expect(reconcileStatus(v, { status: { name: 'RUNNING' } })).toBe(v);
  });
});
