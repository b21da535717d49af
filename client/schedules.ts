/**
 * Make Temporal Schedules match dags/: one schedule per DAG, id `tideflow-<dag>`.
 *
 * Scheduled DAGs fire on their cron (in their timezone); unscheduled DAGs get a schedule with
 * no spec, so every DAG is listed on the Web UI's Schedules page and can be started there with
 * "Trigger". A fingerprint of the desired schedule lives in its note, so sync is idempotent and
 * only touches what changed. Schedules of DAGs no longer in dags/ are deleted (or paused).
 */
import { createHash } from 'node:crypto';
import { ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { DagDefinition } from '../core/model';
import { DAG_KEY, TRIGGER_KEY } from '../core/search-attributes';
import { startCatchup } from './backfill';
import { runQueues } from './run-queues';

export const SCHEDULE_PREFIX = 'tideflow-';
export const scheduleIdFor = (dagId: string): string => `${SCHEDULE_PREFIX}${dagId}`;

export type SyncAction = 'create' | 'update' | 'delete' | 'pause' | 'unchanged';
export interface SyncChange {
  scheduleId: string;
  dagId: string;
  action: SyncAction;
  detail: string;
}

export interface SyncOptions {
  taskQueue: string;
  /** What to do with schedules whose DAG is gone; default delete. */
  removed?: 'delete' | 'pause';
  dryRun?: boolean;
  /** Start the catchup backfill of a created or updated schedule whose DAG has catchup and a past start date (default true). */
  catchup?: boolean;
}

/** What a DAG's schedule should be; the same input always gives the same fingerprint. */
export function desiredSchedule(
  dag: DagDefinition,
  taskQueue: string,
): { options: ScheduleOptions; fingerprint: string; describe: string } {
  const s = dag.schedule;
  const spec: ScheduleOptions['spec'] = s
    ? {
        cronExpressions: [s.cron.trim()],
        timezone: s.timezone ?? 'UTC',
        ...(s.startDate !== undefined && { startAt: new Date(s.startDate) }),
        ...(s.endDate !== undefined && { endAt: new Date(s.endDate) }),
      }
    : {};
  const overlap = (s?.overlap ?? 'skip').toUpperCase() as
    'SKIP' | 'BUFFER_ONE' | 'BUFFER_ALL' | 'CANCEL_OTHER' | 'TERMINATE_OTHER' | 'ALLOW_ALL';
  const policies = { overlap, catchupWindow: s?.catchup ? '365 days' : '1 minute' } as const;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ spec, policies, taskQueue, dag: dag.id }))
    .digest('hex')
    .slice(0, 12);
  const describe = s ? `cron '${s.cron}' ${s.timezone ?? 'UTC'}` : 'manual only (use Trigger)';
  return {
    fingerprint,
    describe,
    options: {
      scheduleId: scheduleIdFor(dag.id),
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: dag.id,
        // Temporal appends the nominal fire time, so each run's id names its DAG and time.
        workflowId: `${dag.id}__scheduled`,
        taskQueue,
        args: [{ params: {}, ...runQueues() }],
        typedSearchAttributes: [
          { key: DAG_KEY, value: dag.id },
          { key: TRIGGER_KEY, value: 'schedule' },
        ],
      },
      policies,
      state: { note: `managed by tideflow (${fingerprint}): ${describe}` },
    },
  };
}

/** Ids of Tideflow schedules on the server (listing is eventually consistent: used only to find removed DAGs). */
async function listedScheduleIds(client: Client): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const s of client.schedule.list()) if (s.scheduleId.startsWith(SCHEDULE_PREFIX)) ids.add(s.scheduleId);
  return ids;
}

/** The schedule's note, read consistently; undefined when there is no such schedule. */
async function currentNote(client: Client, scheduleId: string): Promise<string | undefined> {
  try {
    return (await client.schedule.getHandle(scheduleId).describe()).state.note ?? '';
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

export async function syncSchedules(client: Client, dags: readonly DagDefinition[], o: SyncOptions): Promise<SyncChange[]> {
  const removed = await listedScheduleIds(client);
  const changes: SyncChange[] = [];
  for (const dag of dags) {
    const want = desiredSchedule(dag, o.taskQueue);
    const id = want.options.scheduleId;
    removed.delete(id);
    const note = await currentNote(client, id);
    if (note === undefined) {
      const change: SyncChange = { scheduleId: id, dagId: dag.id, action: 'create', detail: want.describe };
      changes.push(change);
      if (!o.dryRun) {
        await client.schedule.create(want.options);
        const catchup = o.catchup === false ? undefined : await startCatchup(client, dag, o.taskQueue);
        if (catchup !== undefined) change.detail += `; catchup backfill ${catchup}`;
      } else if (dag.schedule?.catchup && dag.schedule.startDate !== undefined) change.detail += '; would start a catchup backfill';
    } else if (!note.includes(`(${want.fingerprint})`)) {
      const change: SyncChange = { scheduleId: id, dagId: dag.id, action: 'update', detail: want.describe };
      changes.push(change);
      if (!o.dryRun) {
        await client.schedule.getHandle(id).update((prev) => ({
          ...prev,
          spec: want.options.spec,
          action: want.options.action,
          policies: { ...prev.policies, ...want.options.policies },
          state: { ...prev.state, note: want.options.state?.note ?? '' },
        }));
        // An update may have turned catchup on or moved the start date back; the catchup id is
        // per DAG and start date, so one already run is not run again.
        const catchup = o.catchup === false ? undefined : await startCatchup(client, dag, o.taskQueue);
        if (catchup !== undefined) change.detail += `; catchup backfill ${catchup}`;
      }
    } else {
      changes.push({ scheduleId: id, dagId: dag.id, action: 'unchanged', detail: want.describe });
    }
  }
  for (const id of removed) {
    const action = o.removed === 'pause' ? 'pause' : 'delete';
    changes.push({ scheduleId: id, dagId: id.slice(SCHEDULE_PREFIX.length), action, detail: 'DAG no longer in dags/' });
    if (o.dryRun) continue;
    try {
      const handle = client.schedule.getHandle(id);
      if (action === 'pause') await handle.pause('DAG no longer in dags/');
      else await handle.delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return changes;
}

export function formatChanges(changes: readonly SyncChange[]): string {
  const marks: Record<SyncAction, string> = { create: '+', update: '~', delete: '-', pause: '‖', unchanged: '=' };
  return changes.map((c) => `  ${marks[c.action]} ${c.action.padEnd(9)} ${c.scheduleId.padEnd(32)} ${c.detail}`).join('\n');
}
