/**
 * `tideflow trigger <dag>`: start a DAG run, optionally following it to the end.
 * Everything that can be checked locally (DAG id, params, logical date, configuration) is
 * checked before connecting, so a typo never starts a run.
 */
import { parseInstant } from '../../core/dates';
import type { DagDefinition } from '../../core/model';
import { checkParams, ParamsError, startDagRun } from '../../client/runs';
import { dags } from '../../dags';
import { flagOption, positional, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig, runUrl } from '../config';
import { withTemporal } from '../connect';
import { closest, CliError, EXIT, usageError } from '../errors';
import { columns } from '../format';
import { printJson } from '../io';
import { watchRun } from '../watch-run';

export function findDag(id: string, all: readonly DagDefinition[] = dags): DagDefinition {
  const dag = all.find((d) => d.id === id);
  if (dag) return dag;
  const ids = all.map((d) => d.id);
  const guess = closest(id, ids);
  throw usageError(
    `unknown DAG '${id}'${guess ? ` (did you mean '${guess}'?)` : ''}`,
    ids.length > 0 ? `known DAGs: ${ids.join(', ')}` : 'no DAGs are defined (see dags/index.ts)',
  );
}

/** `--params` must be a JSON object; anything else is a usage error naming what was wrong. */
export function parseParamsOption(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw usageError(
      `--params is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      `example: --params '{"rows": 100}'`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw usageError(`--params must be a JSON object, got ${kind}`, `example: --params '{"rows": 100}'`);
  }
  return value as Record<string, unknown>;
}

function checkLogicalDate(text: string | undefined): void {
  if (text !== undefined && !parseInstant(text)) {
    throw usageError(`--logical-date '${text}' is not an ISO-8601 date`, 'examples: 2024-01-01, 2024-01-01T03:00:00Z');
  }
}

export const trigger: Command = {
  name: 'trigger',
  summary: 'Start a DAG run; with --wait, follow it to the end',
  positionals: [{ name: 'dag', description: "the DAG's id (see 'tideflow dags list')" }],
  options: {
    params: { type: 'string', value: 'json', description: 'run params as a JSON object; omitted fields take their defaults' },
    'logical-date': {
      type: 'string',
      value: 'iso',
      description: 'the logical date (default: the latest completed interval of a scheduled DAG, else now), e.g. 2024-01-01',
    },
    wait: { type: 'boolean', short: 'w', description: 'follow the run until it ends; exit 0 only if it succeeded' },
    'cancel-on-interrupt': { type: 'boolean', description: 'with --wait: Ctrl-C also cancels the run (default: it keeps running)' },
    json: { type: 'boolean', description: 'print JSON: the run ids, or with --wait the final run view' },
    'no-cache': {
      type: 'boolean',
      description: "recompute cached steps in this run (they rewrite the cache); input field cache: 'refresh'",
    },
  },
  examples: [
    'tideflow trigger example_etl',
    `tideflow trigger example_etl --params '{"rows": 100, "minRevenue": 5000}' --logical-date 2024-01-01 --wait`,
  ],
  async run(args, io) {
    const dag = findDag(positional(args, 0));
    const params = parseParamsOption(stringOption(args, 'params'));
    try {
      checkParams(dag, params);
    } catch (err) {
      if (err instanceof ParamsError)
        throw new CliError(err.message, EXIT.usage, "see each param's schema with 'tideflow dags list --json'");
      throw err;
    }
    const logicalDate = stringOption(args, 'logical-date');
    checkLogicalDate(logicalDate);
    const json = flagOption(args, 'json');
    const wait = flagOption(args, 'wait');
    const config = cliConfig(io.env);

    return withTemporal(config, async (session) => {
      const handle = await startDagRun(session.client, dag, {
        taskQueue: config.taskQueue,
        params,
        ...(logicalDate !== undefined && { logicalDate }),
        noCache: flagOption(args, 'no-cache'),
      });
      const runId = handle.firstExecutionRunId;
      const url = runUrl(io.env, session.namespace, handle.workflowId, runId);
      if (json && !wait) {
        printJson(io, {
          dagId: dag.id,
          workflowId: handle.workflowId,
          runId,
          namespace: session.namespace,
          taskQueue: config.taskQueue,
          ...(url && { url }),
        });
        return EXIT.ok;
      }
      const rows: [string, string][] = [
        ['workflow id:', handle.workflowId],
        ['run id:', runId],
        ...(url !== undefined ? [['web UI:', url] as [string, string]] : []),
      ];
      // With --json the ids still reach a person, on stderr, leaving stdout to the JSON.
      const out = json ? io.stderr : io.stdout;
      out.write(`Started a run of ${dag.id} on task queue '${config.taskQueue}'\n${columns(rows).join('\n')}\n`);
      if (!wait) {
        out.write(`Follow it with: tideflow runs show ${handle.workflowId}\n`);
        return EXIT.ok;
      }
      return watchRun(session, handle, runId, io, {
        json,
        cancelOnInterrupt: flagOption(args, 'cancel-on-interrupt'),
        taskQueue: config.taskQueue,
      });
    });
  },
};
