/**
 * `tideflow runs list`: DAG runs newest first, one page at a time. When more runs match than
 * --limit, the hint on stderr is the exact command for the next page (`--next <token>`).
 */
import { listRunsPage } from '../../client/runs-page';
import { parseInstant } from '../../core/dates';
import { TRIGGERS } from '../../core/search-attributes';
import { checkChoice, flagOption, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { withTemporal, type TemporalSession } from '../connect';
import { usageError } from '../errors';
import { elapsedMs, formatDuration, formatInstant, table } from '../format';
import { runStatusWord } from '../format-run';
import { printJson } from '../io';

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

/**
 * A page token as the CLI shows it: `<runs already shown>.<server token, base64url>`. The count
 * lets the next page say "runs 51-100 of 1234"; the server token is opaque and only valid for
 * the same filters.
 */
export function encodePageToken(offset: number, serverToken: Uint8Array): string {
  return `${offset}.${Buffer.from(serverToken).toString('base64url')}`;
}

export function decodePageToken(text: string): { offset: number; serverToken: Uint8Array } {
  const m = /^(\d{1,9})\.([A-Za-z0-9_-]+)$/.exec(text);
  if (!m) throw usageError(`--next '${text}' is not a page token: copy it from the hint of a previous 'tideflow runs list'`);
  return { offset: Number(m[1]), serverToken: new Uint8Array(Buffer.from(m[2] ?? '', 'base64url')) };
}

/** POSIX shell quoting, only where needed, so the printed command can be pasted as is. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

async function countMatching(session: TemporalSession, query: string): Promise<number | undefined> {
  return session.client.workflow
    .count(query)
    .then((c) => c.count)
    .catch(() => undefined);
}

const FILTERS = ['dag', 'status', 'since', 'trigger'] as const;

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
    limit: { type: 'string', value: 'n', description: 'at most n runs a page, newest first (default 50, at most 1000)' },
    next: { type: 'string', value: 'token', description: 'the page after a previous list: its hint prints the whole command' },
    json: { type: 'boolean', description: 'print JSON (the next-page hint goes to stderr)' },
  },
  examples: [
    'tideflow runs list --dag example_etl --status failed',
    'tideflow runs list --since 2024-01-01 --json',
    'tideflow runs list --limit 20 --next 20.eyJDbG9zZVRpbWUiOi…',
  ],
  async run(args, io) {
    const status = checkChoice('status', stringOption(args, 'status')?.toLowerCase(), Object.keys(STATUS_QUERY));
    const sinceText = stringOption(args, 'since');
    const since = sinceText === undefined ? undefined : parseInstant(sinceText);
    if (since === null) throw usageError(`--since '${sinceText}' is not an ISO-8601 date`);
    const limitText = stringOption(args, 'limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw usageError(`--limit must be an integer from 1 to 1000, got '${limitText}'`);
    const dag = stringOption(args, 'dag');
    const trigger = checkChoice('trigger', stringOption(args, 'trigger'), TRIGGERS);
    const nextText = stringOption(args, 'next');
    const after = nextText === undefined ? undefined : decodePageToken(nextText);
    const query = runsListQuery({
      ...(dag !== undefined && { dag }),
      ...(trigger !== undefined && { trigger }),
      ...(status !== undefined && { status }),
      ...(since !== undefined && { since }),
    });
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      let page;
      try {
        page = await listRunsPage(session.client, query, limit, after?.serverToken);
      } catch (err) {
        // A token from other filters, or a mangled one: the server says InvalidArgument.
        if (after !== undefined && /invalid|token|argument/i.test(err instanceof Error ? err.message : String(err)))
          throw usageError(
            `--next token was refused by the server (${err instanceof Error ? err.message : String(err)}): a token only continues the list it came from, with the same filters`,
          );
        throw err;
      }
      const runs = page.runs.map(({ temporalStatus, ...r }) => ({ ...r, status: runStatusWord(temporalStatus) }));
      const offset = after?.offset ?? 0;
      let hint: string | undefined;
      if (page.nextPageToken !== undefined) {
        const total = await countMatching(session, query);
        const argv = ['npx', 'tideflow', 'runs', 'list'];
        for (const f of FILTERS) {
          const v = stringOption(args, f);
          if (v !== undefined) argv.push(`--${f}`, v);
        }
        argv.push('--limit', String(limit));
        if (flagOption(args, 'json')) argv.push('--json');
        argv.push('--next', encodePageToken(offset + runs.length, page.nextPageToken));
        // Said on stderr, so --json output stays a plain array.
        hint =
          `Showing runs ${offset + 1}-${offset + runs.length}${total !== undefined ? ` of ${total}` : ''} matching (newest first). Next page:\n` +
          `  ${argv.map(shellWord).join(' ')}`;
      }
      if (flagOption(args, 'json')) {
        printJson(io, runs);
        if (hint !== undefined) io.stderr.write(`${hint}\n`);
        return 0;
      }
      if (runs.length === 0) {
        io.stdout.write(offset > 0 ? 'No more runs match.\n' : 'No runs match.\n');
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
