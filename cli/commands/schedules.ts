/**
 * `tideflow schedules sync | list | pause | unpause | trigger`: the Temporal Schedules that
 * run dags/ (one per DAG, id `tideflow-<dag>`; see client/schedules.ts).
 */
import { ScheduleNotFoundError, type Client, type ScheduleHandle } from '@temporalio/client';
import { formatChanges, SCHEDULE_PREFIX, scheduleIdFor, syncSchedules } from '../../client/schedules';
import { dags } from '../../dags';
import { flagOption, positional, stringOption, JSON_OPTION } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { withTemporal } from '../connect';
import { CliError, usageError } from '../errors';
import { formatInstant, table } from '../format';
import { printJson } from '../io';
import { findDag } from './trigger';

const dagArg = [{ name: 'dag', description: "the DAG's id (see 'tideflow schedules list')" }];

export const schedulesSync: Command = {
  name: 'schedules sync',
  summary: 'Make Temporal Schedules match dags/ (create, update, delete or pause); prints the diff',
  options: {
    'dry-run': { type: 'boolean', description: 'print what would change; change nothing' },
    removed: {
      type: 'string',
      value: 'delete|pause',
      description: 'what to do with schedules of DAGs no longer in dags/ (default delete)',
    },
    json: { type: 'boolean', description: 'print the changes as JSON' },
  },
  examples: ['tideflow schedules sync --dry-run', 'tideflow schedules sync --removed pause'],
  async run(args, io) {
    const removed = stringOption(args, 'removed') ?? 'delete';
    if (removed !== 'delete' && removed !== 'pause') throw usageError(`--removed must be delete or pause, got '${removed}'`);
    const dryRun = flagOption(args, 'dry-run');
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      const changes = await syncSchedules(session.client, dags, { taskQueue: config.taskQueue, removed, dryRun });
      if (flagOption(args, 'json')) {
        printJson(io, { dryRun, changes });
        return 0;
      }
      const changed = changes.filter((c) => c.action !== 'unchanged').length;
      io.stdout.write(
        `${dryRun ? 'Would change' : 'Changed'} ${changed} of ${changes.length} schedule(s) on task queue '${config.taskQueue}':\n`,
      );
      if (changes.length > 0) io.stdout.write(`${formatChanges(changes)}\n`);
      return 0;
    });
  },
};

interface ScheduleRow {
  dagId: string;
  scheduleId: string;
  state: string;
  next: string | undefined;
  last: string | undefined;
  note: string;
}

async function scheduleRows(client: Client): Promise<ScheduleRow[]> {
  const rows: ScheduleRow[] = [];
  // The listing is eventually consistent; each schedule's state is read with describe.
  for await (const listed of client.schedule.list()) {
    if (!listed.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    const s = await client.schedule
      .getHandle(listed.scheduleId)
      .describe()
      .catch(() => undefined);
    if (!s) continue;
    rows.push({
      dagId: s.scheduleId.slice(SCHEDULE_PREFIX.length),
      scheduleId: s.scheduleId,
      state: s.state.paused ? 'paused' : 'active',
      next: s.info.nextActionTimes[0]?.toISOString(),
      last: s.info.recentActions.at(-1)?.takenAt.toISOString(),
      note: s.state.note ?? '',
    });
  }
  return rows.sort((a, b) => a.dagId.localeCompare(b.dagId));
}

export const schedulesList: Command = {
  name: 'schedules list',
  summary: "List Tideflow's schedules: state, next and last fire time",
  options: { json: JSON_OPTION },
  examples: ['tideflow schedules list'],
  async run(args, io) {
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      const rows = await scheduleRows(session.client);
      const unsynced = dags.map((d) => d.id).filter((id) => !rows.some((r) => r.dagId === id));
      if (flagOption(args, 'json')) {
        printJson(io, { schedules: rows, notSynced: unsynced });
        return 0;
      }
      io.stdout.write(
        table(
          ['DAG', 'STATE', 'NEXT', 'LAST', 'SCHEDULE'],
          rows.map((r) => [
            r.dagId,
            r.state,
            formatInstant(r.next),
            formatInstant(r.last),
            r.note.replace(/^managed by tideflow \([0-9a-f]+\): /, ''),
          ]),
        ),
      );
      if (unsynced.length > 0) io.stdout.write(`\nNo schedule yet for: ${unsynced.join(', ')} (run 'tideflow schedules sync')\n`);
      return 0;
    });
  },
};

async function withSchedule(
  io: Parameters<Command['run']>[1],
  dagId: string,
  fn: (handle: ScheduleHandle, client: Client) => Promise<string>,
): Promise<number> {
  const config = cliConfig(io.env);
  return withTemporal(config, async (session) => {
    const handle = session.client.schedule.getHandle(scheduleIdFor(dagId));
    try {
      io.stdout.write(`${await fn(handle, session.client)}\n`);
      return 0;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new CliError(`no schedule for DAG '${dagId}' (run 'tideflow schedules sync')`);
      throw err;
    }
  });
}

export const schedulesPause: Command = {
  name: 'schedules pause',
  summary: "Pause a DAG's schedule (runs already started keep running)",
  positionals: dagArg,
  options: { note: { type: 'string', value: 'text', description: 'why (shown in the Web UI)' } },
  examples: ['tideflow schedules pause example_etl --note "source down"'],
  async run(args, io) {
    const dagId = findDag(positional(args, 0)).id;
    return withSchedule(io, dagId, async (h) => {
      await h.pause(stringOption(args, 'note') ?? 'paused with tideflow schedules pause');
      return `Paused ${h.scheduleId}`;
    });
  },
};

export const schedulesUnpause: Command = {
  name: 'schedules unpause',
  summary: "Resume a paused DAG's schedule",
  positionals: dagArg,
  options: {},
  examples: ['tideflow schedules unpause example_etl'],
  async run(args, io) {
    const dagId = findDag(positional(args, 0)).id;
    return withSchedule(io, dagId, async (h) => {
      await h.unpause('unpaused with tideflow schedules unpause');
      return `Unpaused ${h.scheduleId}`;
    });
  },
};

export const schedulesTrigger: Command = {
  name: 'schedules trigger',
  summary: "Fire a DAG's schedule now (a scheduled run, subject to its overlap policy)",
  positionals: dagArg,
  options: {},
  examples: ['tideflow schedules trigger example_etl'],
  async run(args, io) {
    const dagId = findDag(positional(args, 0)).id;
    return withSchedule(io, dagId, async (h) => {
      const before = (await h.describe()).info.recentActions.at(-1)?.action.workflow.workflowId;
      await h.trigger();
      for (let i = 0; i < 30; i++) {
        const last = (await h.describe()).info.recentActions.at(-1);
        if (last && last.action.workflow.workflowId !== before)
          return `Triggered ${h.scheduleId}: started ${last.action.workflow.workflowId}`;
        await new Promise((r) => setTimeout(r, 100));
      }
      return `Triggered ${h.scheduleId} (the run may have been skipped by the overlap policy; see 'tideflow runs list --dag ${dagId}')`;
    });
  },
};

export const scheduleCommands: readonly Command[] = [schedulesSync, schedulesList, schedulesPause, schedulesUnpause, schedulesTrigger];
