/**
 * `tideflow runs show <workflowId>`: one run's header and task table, live or finished.
 */
import { isGrpcDeadlineError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { RunView } from '../../core/run-view';
import { getRunView, waitForRun } from '../../client/runs';
import { flagOption, positional, RUN_ID_OPTION, stringOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import type { TideflowConfig } from '../../config/env';
import { cliConfig, runUrl } from '../config';
import { withTemporal, type TemporalSession } from '../connect';
import { CliError } from '../errors';
import { formatRun, runStatusWord } from '../format-run';
import { printJson, type Io } from '../io';
import { runsList } from './runs-list';
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

/** Runs `fn`, turning Temporal's "workflow not found" into the CLI's message naming what was asked for. */
async function orNoSuchRun<T>(session: TemporalSession, workflowId: string, runId: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw new CliError(
      `no run with workflow id '${workflowId}'${runId !== undefined ? ` and run id '${runId}'` : ''} in namespace '${session.namespace}'`,
    );
  }
}

/** What a one-run command works on: its positional workflow id, `--run-id`, and a connected session. */
interface RunTarget {
  session: TemporalSession;
  config: TideflowConfig;
  workflowId: string;
  runId: string | undefined;
}

/**
 * A command on one run: its workflow id as the positional, `--run-id` beside the command's own
 * options, and `act` called with the connected target.
 */
function runTargetCommand(
  spec: Omit<Command, 'positionals' | 'run'> & { what: string; act: (target: RunTarget, args: ParsedArgs, io: Io) => Promise<number> },
): Command {
  const { what, act, ...rest } = spec;
  return {
    ...rest,
    positionals: [{ name: 'workflowId', description: what }],
    options: { 'run-id': RUN_ID_OPTION, ...spec.options },
    run: (args, io) => {
      const config = cliConfig(io.env);
      const target = { config, workflowId: positional(args, 0), runId: stringOption(args, 'run-id') };
      return withTemporal(config, (session) => act({ ...target, session }, args, io));
    },
  };
}

export const runsShow = runTargetCommand({
  name: 'runs show',
  summary: "Show a run's status and task table (live while it runs)",
  what: "the run's workflow id, as printed by 'tideflow trigger'",
  options: { json: { type: 'boolean', description: 'print the run view as JSON' } },
  examples: ['tideflow runs show example_etl__manual__2024-01-01T03-00-00-000Z__k3j9x2'],
  act: async ({ session, config, workflowId, runId }, args, io) => {
    const view = await orNoSuchRun(session, workflowId, runId, () => fetchRunView(session, workflowId, runId, config.taskQueue));
    if (flagOption(args, 'json')) {
      printJson(io, view);
      return 0;
    }
    io.stdout.write(formatRun(view));
    const url = runUrl(io.env, session.namespace, view.workflowId, view.runId);
    if (url) io.stdout.write(`\nWeb UI: ${url}\n`);
    return 0;
  },
});

export const runsCancel = runTargetCommand({
  name: 'runs cancel',
  summary: 'Cancel a running DAG run or backfill (its running tasks are cancelled; it ends as cancelled)',
  what: "the run's (or backfill's) workflow id",
  options: { wait: { type: 'boolean', description: 'wait until it has ended, and print how it ended' } },
  examples: ['tideflow runs cancel example_etl__manual__2024-01-01T03-00-00-000Z__k3j9x2 --wait'],
  act: async ({ session, workflowId, runId }, args, io) => {
    const handle = session.client.workflow.getHandle(workflowId, runId);
    const status = await orNoSuchRun(session, workflowId, runId, async () => (await handle.describe()).status.name);
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
  },
});

/** Every `runs` subcommand, in help order. */
export const runsCommands: readonly Command[] = [runsShow, runsList, runsCancel];

export { runsListQuery } from './runs-list';
