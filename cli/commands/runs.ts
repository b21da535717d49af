/**
 * `tideflow runs show <workflowId>`: one run's header and task table, live or finished.
 */
import { isGrpcDeadlineError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { parseInstant } from '../../core/dates';
import type { RunView } from '../../core/run-view';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY, TRIGGERS } from '../../core/search-attributes';
import { getRunView, waitForRun } from '../../client/runs';
import { flagOption, positional, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig, runUrl } from '../config';
import { withTemporal, type TemporalSession } from '../connect';
import { CliError, usageError } from '../errors';
import { elapsedMs, formatDuration, formatInstant, table } from '../format';
import { formatRun, runStatusWord } from '../format-run';
import { printJson } from '../io';
import { reconcileStatus } from '../reconcile-status';

/** The state query is answered by a worker; without one it would wait for the server's long timeout. */
const QUERY_DEADLINE_MS = 10_000;

async function query(session: TemporalSession, workflowId: string, runId: string | undefined, taskQueue: string): Promise<RunView> {
  try {
    return await session.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => getRunView(session.client, workflowId, runId));
  } catch (err) {
    if (!isGrpcDeadlineError(err)) throw err;
    throw new CliError(
      `the run's state query got no answer within ${QUERY_DEADLINE_MS / 1000}s (is a worker running on task queue '${taskQueue}'?)`,
    );
  }
}

/**
 * A finished run's summary comes from its history (its result, or the failure's details),
 * which needs no worker, so it is tried first; only a live run, or one that ended without a
 * summary (cancelled, terminated), is asked through the query.
 */
export async function fetchRunView(
  session: TemporalSession,
  workflowId: string,
  runId: string | undefined,
  taskQueue: string,
): Promise<RunView> {
  const client: Client = session.client;
  const handle: WorkflowHandle = client.workflow.getHandle(workflowId, runId);
  const desc = await handle.describe();
  if (desc.status.name === 'RUNNING') return query(session, workflowId, desc.runId, desc.taskQueue || taskQueue);
  const { view, error } = await waitForRun(handle);
  if (view) return view;
  try {
    return reconcileStatus(await query(session, workflowId, desc.runId, desc.taskQueue || taskQueue), desc);
  } catch {
    // E.g. rejected input: the run failed before it had any task state to report.
    const status = desc.status.name.toLowerCase().replace(/_/g, ' ');
    throw new CliError(
      `run '${workflowId}' (run ${desc.runId}) ended ${status} without a task summary${error !== undefined ? `: ${error}` : ''}`,
    );
  }
}

export const runsShow: Command = {
  name: 'runs show',
  summary: "Show a run's status and task table (live while it runs)",
  positionals: [{ name: 'workflowId', description: "the run's workflow id, as printed by 'tideflow trigger'" }],
  options: {
    'run-id': { type: 'string', value: 'id', description: 'a specific run of that workflow id (default: the latest)' },
    json: { type: 'boolean', description: 'print the run view as JSON' },
  },
  examples: ['tideflow runs show example_etl__manual__2024-01-01T03-00-00-000Z__k3j9x2'],
  async run(args, io) {
    const workflowId = positional(args, 0);
    const runId = stringOption(args, 'run-id');
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      let view: RunView;
      try {
        view = await fetchRunView(session, workflowId, runId, config.taskQueue);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw new CliError(
            `no run with workflow id '${workflowId}'${runId !== undefined ? ` and run id '${runId}'` : ''} in namespace '${session.namespace}'`,
          );
        }
        throw err;
      }
      if (flagOption(args, 'json')) {
        printJson(io, view);
        return 0;
      }
      io.stdout.write(formatRun(view));
      const url = runUrl(io.env, session.namespace, view.workflowId, view.runId);
      if (url) io.stdout.write(`\nWeb UI: ${url}\n`);
      return 0;
    });
  },
};

/** --status words (the engine's first; Temporal's names accepted too) → visibility's ExecutionStatus. */
const STATUS_QUERY: Record<string, string> = {
  running: 'Running',
  success: 'Completed',
  succeeded: 'Completed',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  canceled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/** The visibility query of `runs list`: Tideflow runs only (they carry TideflowTrigger), filtered. */
export function runsListQuery(o: { dag?: string; status?: string; since?: Date; trigger?: string }): string {
  const triggers = o.trigger !== undefined ? [o.trigger] : TRIGGERS;
  const parts = [`TideflowTrigger IN (${triggers.map((t) => `'${t}'`).join(', ')})`];
  if (o.dag !== undefined) parts.push(`TideflowDag = '${o.dag.replace(/'/g, "\\'")}'`);
  if (o.status !== undefined) parts.push(`ExecutionStatus = '${STATUS_QUERY[o.status]}'`);
  // RFC 3339 without millis: the SQLite visibility store compares datetimes as text.
  if (o.since !== undefined) parts.push(`StartTime >= '${o.since.toISOString().replace(/\.\d{3}Z$/, 'Z')}'`);
  return parts.join(' AND ');
}

/** "Showing the newest 50 of 1234": the list stopped at --limit; say so, and how to see the rest. */
async function moreRunsHint(session: TemporalSession, query: string, limit: number): Promise<string> {
  const total = await session.client.workflow
    .count(query)
    .then((c) => c.count)
    .catch(() => undefined);
  return `Showing the newest ${limit}${total !== undefined ? ` of ${total}` : ''} matching runs: raise --limit, or narrow with --dag, --status, --trigger or --since.`;
}

export const runsList: Command = {
  name: 'runs list',
  summary: 'List DAG runs, newest first (from the TideflowDag/TideflowLogicalDate/TideflowTrigger search attributes)',
  options: {
    dag: { type: 'string', value: 'id', description: "only this DAG's runs" },
    status: {
      type: 'string',
      value: 'status',
      description: 'only runs in this state: running, success, failed, cancelled, terminated, timed_out',
    },
    since: { type: 'string', value: 'iso', description: 'only runs started at or after this instant, e.g. 2024-01-01T00:00:00Z' },
    trigger: { type: 'string', value: 'kind', description: `only runs started this way: ${TRIGGERS.join(', ')}` },
    limit: { type: 'string', value: 'n', description: 'at most n runs, newest first (default 50; says how many more match)' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  examples: ['tideflow runs list --dag example_etl --status failed', 'tideflow runs list --since 2024-01-01 --json'],
  async run(args, io) {
    const status = stringOption(args, 'status')?.toLowerCase();
    if (status !== undefined && STATUS_QUERY[status] === undefined)
      throw usageError(`--status must be one of ${Object.keys(STATUS_QUERY).join(', ')}, got '${status}'`);
    const sinceText = stringOption(args, 'since');
    const since = sinceText === undefined ? undefined : parseInstant(sinceText);
    if (since === null) throw usageError(`--since '${sinceText}' is not an ISO-8601 date`);
    const limitText = stringOption(args, 'limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit must be a positive integer, got '${limitText}'`);
    const dag = stringOption(args, 'dag');
    const trigger = stringOption(args, 'trigger');
    if (trigger !== undefined && !(TRIGGERS as readonly string[]).includes(trigger))
      throw usageError(`--trigger must be one of ${TRIGGERS.join(', ')}, got '${trigger}'`);
    const query = runsListQuery({
      ...(dag !== undefined && { dag }),
      ...(trigger !== undefined && { trigger }),
      ...(status !== undefined && { status }),
      ...(since !== undefined && { since }),
    });
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      const runs: {
        workflowId: string;
        runId: string;
        dagId: string;
        logicalDate: string | undefined;
        trigger: string | undefined;
        status: string;
        startedAt: string;
        closedAt: string | undefined;
      }[] = [];
      let more = false;
      for await (const w of session.client.workflow.list({ query, pageSize: Math.min(limit + 1, 100) })) {
        if (runs.length >= limit) {
          more = true;
          break;
        }
        const logicalDate = w.typedSearchAttributes.get(LOGICAL_DATE_KEY);
        runs.push({
          workflowId: w.workflowId,
          runId: w.runId,
          dagId: w.typedSearchAttributes.get(DAG_KEY) ?? w.type,
          logicalDate: logicalDate?.toISOString(),
          trigger: w.typedSearchAttributes.get(TRIGGER_KEY),
          status: runStatusWord(w.status.name),
          startedAt: w.startTime.toISOString(),
          closedAt: w.closeTime?.toISOString(),
        });
      }
      // Said on stderr, so --json output stays a plain array.
      const hint = more ? await moreRunsHint(session, query, limit) : undefined;
      if (flagOption(args, 'json')) {
        printJson(io, runs);
        if (hint !== undefined) io.stderr.write(`${hint}\n`);
        return 0;
      }
      if (runs.length === 0) {
        io.stdout.write('No runs match.\n');
        return 0;
      }
      const rows = runs.map((r) => [
        r.workflowId,
        r.dagId,
        formatInstant(r.logicalDate),
        r.trigger ?? '',
        r.status,
        formatInstant(r.startedAt),
        formatDuration(elapsedMs(r.startedAt, r.closedAt) ?? NaN),
      ]);
      io.stdout.write(table(['RUN', 'DAG', 'LOGICAL DATE', 'TRIGGER', 'STATUS', 'STARTED', 'DURATION'], rows, { maxCellWidth: 64 }));
      if (hint !== undefined) io.stderr.write(`${hint}\n`);
      return 0;
    });
  },
};

export const runsCancel: Command = {
  name: 'runs cancel',
  summary: 'Cancel a running DAG run or backfill (its running tasks are cancelled; it ends as cancelled)',
  positionals: [{ name: 'workflowId', description: "the run's (or backfill's) workflow id" }],
  options: {
    'run-id': { type: 'string', value: 'id', description: 'a specific run of that workflow id (default: the latest)' },
    wait: { type: 'boolean', description: 'wait until it has ended, and print how it ended' },
  },
  examples: ['tideflow runs cancel example_etl__manual__2024-01-01T03-00-00-000Z__k3j9x2 --wait'],
  async run(args, io) {
    const workflowId = positional(args, 0);
    const runId = stringOption(args, 'run-id');
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      const handle = session.client.workflow.getHandle(workflowId, runId);
      let status: string;
      try {
        status = (await handle.describe()).status.name;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new CliError(
            `no run with workflow id '${workflowId}'${runId !== undefined ? ` and run id '${runId}'` : ''} in namespace '${session.namespace}'`,
          );
        throw err;
      }
      if (status !== 'RUNNING') throw new CliError(`run '${workflowId}' has already ended (${runStatusWord(status)}); nothing to cancel`);
      await handle.cancel();
      if (!flagOption(args, 'wait')) {
        io.stdout.write(`Cancellation requested for '${workflowId}'. Follow it with: npx tideflow runs show '${workflowId}'\n`);
        return 0;
      }
      await handle.result().catch(() => undefined);
      const ended = runStatusWord((await handle.describe()).status.name);
      io.stdout.write(`Run '${workflowId}' ended ${ended}.\n`);
      return ended === 'cancelled' ? 0 : 1;
    });
  },
};

/** Every `runs` subcommand, in help order. */
export const runsCommands: readonly Command[] = [runsShow, runsList, runsCancel];
