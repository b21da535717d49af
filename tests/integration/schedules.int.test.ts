/** Schedule sync against the real dev server: create, idempotence, update, delete, dry run, a fired run. */
import { afterAll, describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import { SCHEDULED_START_KEY, TRIGGER_KEY } from '../../core/search-attributes';
import { scheduleIdFor, syncSchedules } from '../../client/schedules';
import { intervals, retries } from '../fixtures/dags';
import { useHarnessWithWorker } from './harness';

const h = useHarnessWithWorker('schedules', { namespace: 'schedules' });
afterAll(async () => {
  await syncSchedules(h.client, [], { taskQueue: h.taskQueue }).catch(() => undefined);
});

const actions = (changes: { dagId: string; action: string }[]) => Object.fromEntries(changes.map((c) => [c.dagId, c.action]));

describe('schedule sync', () => {
  it('creates, is idempotent, updates what changed, deletes what was removed; dry run touches nothing', async () => {
    const dags = [intervals, retries] as DagDefinition[];
    expect(actions(await syncSchedules(h.client, dags, { taskQueue: h.taskQueue, dryRun: true }))).toEqual({
      t_interval: 'create',
      t_retries: 'create',
    });
    await expect(h.client.schedule.getHandle(scheduleIdFor('t_interval')).describe()).rejects.toThrow();

    expect(actions(await syncSchedules(h.client, dags, { taskQueue: h.taskQueue }))).toEqual({ t_interval: 'create', t_retries: 'create' });
    const described = await h.client.schedule.getHandle(scheduleIdFor('t_interval')).describe();
    expect(described.spec.calendars?.length ?? 0).toBeGreaterThan(0);
    expect(described.spec.timezone).toBe('Europe/Paris');
    expect((await h.client.schedule.getHandle(scheduleIdFor('t_retries')).describe()).spec.calendars ?? []).toEqual([]);

    expect(actions(await syncSchedules(h.client, dags, { taskQueue: h.taskQueue }))).toEqual({
      t_interval: 'unchanged',
      t_retries: 'unchanged',
    });

    const changed = { ...intervals, schedule: { cron: '30 4 * * *', timezone: 'Europe/Paris' } } as DagDefinition;
    expect(actions(await syncSchedules(h.client, [changed, retries as DagDefinition], { taskQueue: h.taskQueue }))).toEqual({
      t_interval: 'update',
      t_retries: 'unchanged',
    });
    const after = await h.client.schedule.getHandle(scheduleIdFor('t_interval')).describe();
    expect(JSON.stringify(after.spec.calendars)).toContain('30');

    const removal = await syncSchedules(h.client, [changed], { taskQueue: h.taskQueue });
    expect(removal.find((c) => c.dagId === 't_retries')?.action).toBe('delete');
    await expect(h.client.schedule.getHandle(scheduleIdFor('t_retries')).describe()).rejects.toThrow();
  });

  it('a run started by the schedule is tagged schedule and covers the interval ending at its nominal time', async () => {
    await syncSchedules(h.client, [intervals as DagDefinition], { taskQueue: h.taskQueue });
    const handle = h.client.schedule.getHandle(scheduleIdFor('t_interval'));
    await handle.trigger();
    let workflowId: string | undefined;
    for (let i = 0; i < 100 && !workflowId; i++) {
      workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!workflowId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(workflowId).toMatch(/^t_interval__scheduled-/);
    const run = h.client.workflow.getHandle(workflowId as string);
    const view = (await run.result()) as RunView;
    expect(view.trigger).toBe('schedule');
    const attrs = (await run.describe()).typedSearchAttributes;
    expect(attrs.get(TRIGGER_KEY)).toBe('schedule');
    const nominal = attrs.get(SCHEDULED_START_KEY) as Date;
    expect(Date.parse(view.dataIntervalEnd)).toBeLessThanOrEqual(nominal.getTime());
    expect(view.logicalDate).toBe(view.dataIntervalStart);
  });
});
