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
import { formatRun } from '../format-run';
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

export const runsList: Command = {
  name: 'runs list',
  summary: 'List DAG runs, newest first (from the TideflowDag/TideflowLogicalDate/TideflowTrigger search attributes)',
  options: {
    dag: { type: 'string', value: 'id', description: "only this DAG's runs" },
    status: { type: 'string', value: 'status', description: `only runs in this state: ${Object.keys(STATUS_QUERY).join(', ')}` },
    since: { type: 'string', value: 'iso', description: 'only runs started at or after this instant, e.g. 2024-01-01T00:00:00Z' },
    trigger: { type: 'string', value: 'kind', description: `only runs started this way: ${TRIGGERS.join(', ')}` },
    limit: { type: 'string', value: 'n', description: 'at most n runs (default 50)' },
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
      const runs = [];
      for await (const w of session.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        const logicalDate = w.typedSearchAttributes.get(LOGICAL_DATE_KEY);
        runs.push({
          workflowId: w.workflowId,
          runId: w.runId,
          dagId: w.typedSearchAttributes.get(DAG_KEY) ?? w.type,
          logicalDate: logicalDate?.toISOString(),
          trigger: w.typedSearchAttributes.get(TRIGGER_KEY),
          status: w.status.name.toLowerCase(),
          startedAt: w.startTime.toISOString(),
          closedAt: w.closeTime?.toISOString(),
        });
        if (runs.length >= limit) break;
      }
      if (flagOption(args, 'json')) {
        printJson(io, runs);
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
      return 0;
    });
  },
};
