/**
 * `tideflow runs retry <workflowId>`: re-run a run from its failure (or from a named task),
 * reusing what it computed before that. A new run with a new workflow id; see client/retry.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ParamsError } from '../../client/runs';
import { RetryError, startRetry } from '../../client/retry';
import { dags } from '../../dags';
import { flagOption, positional, RUN_ID_OPTION, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig, runUrl } from '../config';
import { withTemporal } from '../connect';
import { CliError, EXIT, usageError } from '../errors';
import { columns } from '../format';
import { printJson } from '../io';
import { watchRun } from '../watch-run';
import { parseParamsOption } from './trigger';

/** `--params`: a JSON object, or the path of a file holding one. */
function paramsOption(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (!text.trimStart().startsWith('{') && existsSync(text)) {
    try {
      return parseParamsOption(readFileSync(text, 'utf8'));
    } catch (err) {
      if (err instanceof CliError) throw usageError(`${err.message} (in file ${text})`, err.hint);
      throw err;
    }
  }
  return parseParamsOption(text);
}

export const runsRetry: Command = {
  name: 'runs retry',
  summary: 'Re-run a failed run from its failure (or --from a task), reusing the outputs of the tasks before it',
  positionals: [{ name: 'workflowId', description: "the workflow id of the run to retry, as 'runs list' shows it" }],
  options: {
    'run-id': RUN_ID_OPTION,
    from: {
      type: 'string',
      value: 'task',
      description: 're-run this task and everything downstream of it, reusing the rest (needed to retry a run that succeeded)',
    },
    params: {
      type: 'string',
      value: 'json|file',
      description: "params over the original run's (top-level keys replace its values), as JSON or a file of JSON",
    },
    'no-wait': { type: 'boolean', description: 'start the retry and return; default: follow it to the end' },
    json: { type: 'boolean', description: 'print JSON: the run ids (with --no-wait), or the final run view' },
  },
  examples: [
    'tideflow runs retry ml_retrain__manual__2024-01-01T03-00-00-000Z__k3j9x2',
    `tideflow runs retry ml_retrain__manual__2024-01-01T03-00-00-000Z__k3j9x2 --from evaluate --params '{"seed": 7}' --no-wait`,
  ],
  async run(args, io) {
    const workflowId = positional(args, 0);
    const runId = stringOption(args, 'run-id');
    const from = stringOption(args, 'from');
    const params = paramsOption(stringOption(args, 'params'));
    const json = flagOption(args, 'json');
    const wait = !flagOption(args, 'no-wait');
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      let started;
      try {
        started = await startRetry(session.client, dags, {
          taskQueue: config.taskQueue,
          workflowId,
          ...(runId !== undefined && { runId }),
          ...(from !== undefined && { from }),
          ...(params !== undefined && { params }),
        });
      } catch (err) {
        if (err instanceof RetryError) throw new CliError(err.message, EXIT.usage);
        if (err instanceof ParamsError)
          throw new CliError(err.message, EXIT.usage, "see each param's schema with 'tideflow dags list --json'");
        throw err;
      }
      const { handle, dagId, original, plan } = started;
      const newRunId = handle.firstExecutionRunId;
      const url = runUrl(io.env, session.namespace, handle.workflowId, newRunId);
      const reused = plan && Object.keys(plan.reuse);
      if (json && !wait) {
        printJson(io, {
          dagId,
          workflowId: handle.workflowId,
          runId: newRunId,
          retryOf: { workflowId: original.workflowId, runId: original.runId },
          ...(plan && { reuse: reused, rerun: plan.rerun }),
          ...(url && { url }),
        });
        return EXIT.ok;
      }
      const out = json ? io.stderr : io.stdout;
      const rows: [string, string][] = [
        ['retry of:', `${original.workflowId} (run ${original.runId})`],
        ['workflow id:', handle.workflowId],
        ['run id:', newRunId],
        ...(plan
          ? ([
              ['reusing:', reused && reused.length > 0 ? reused.join(', ') : '(nothing)'],
              ['re-running:', plan.rerun.join(', ')],
            ] as [string, string][])
          : [['plan:', `DAG '${dagId}' is not defined here: the worker decides what to reuse`] as [string, string]]),
        ...(url !== undefined ? [['web UI:', url] as [string, string]] : []),
      ];
      out.write(`Started a retry of ${dagId} on task queue '${config.taskQueue}'\n${columns(rows).join('\n')}\n`);
      out.write(
        '(planned from the summary; the run decides: it re-runs a reused output whose artifacts are gone or changed, and reads outputs too large for the summary from history)\n',
      );
      if (!wait) {
        out.write(`Follow it with: tideflow runs show ${handle.workflowId}\n`);
        return EXIT.ok;
      }
      return watchRun(session, handle, newRunId, io, { json, cancelOnInterrupt: false, taskQueue: config.taskQueue });
    });
  },
};
