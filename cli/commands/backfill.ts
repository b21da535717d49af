/**
 * `tideflow backfill <dag> --from … --to …`: start a durable backfill workflow and follow it —
 * a live progress bar on a terminal, a line every few seconds otherwise — then print each
 * date's outcome. Exit 0 only if every date that ran succeeded (and nothing was cancelled).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { BackfillError, backfillInput, backfillProgress, startBackfill } from '../../client/backfill';
import { ParamsError } from '../../client/runs';
import { REPROCESS_MODES, type BackfillProgress, type DateOutcome } from '../../core/backfill-plan';
import { checkChoice, flagOption, positional, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { withTemporal } from '../connect';
import { CliError, EXIT, usageError } from '../errors';
import { formatDuration, table } from '../format';
import { paint, printJson, type Io } from '../io';
import { findDag, parseParamsOption } from './trigger';

const POLL_MS = 500;
const LINE_EVERY_MS = 5_000;

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** One status line: progress bar (or not), counts, elapsed time. */
export function progressLine(p: BackfillProgress, elapsedMs: number, withBar: boolean): string {
  const finished = p.succeeded + p.failed + p.cancelled + p.skipped + p.planned;
  const parts = [
    ...(withBar ? [bar(finished, p.total)] : []),
    `${finished}/${p.total}`,
    `succeeded ${p.succeeded}`,
    `failed ${p.failed}`,
    `running ${p.running}`,
    `pending ${p.pending}`,
    ...(p.skipped > 0 ? [`skipped ${p.skipped}`] : []),
    ...(p.cancelled > 0 ? [`cancelled ${p.cancelled}`] : []),
    formatDuration(elapsedMs),
  ];
  return parts.join('  ');
}

const MARK: Record<DateOutcome['state'], string> = {
  succeeded: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '↷',
  running: '▶',
  pending: '·',
  planned: '○',
};

export function outcomeTable(dates: readonly DateOutcome[]): string {
  const rows = [...dates].map((d) => [d.logicalDate, `${MARK[d.state]} ${d.state}`, d.workflowId, d.detail ?? '']);
  return table(['LOGICAL DATE', 'OUTCOME', 'RUN', 'DETAIL'], rows, { maxCellWidth: 60 });
}

function summary(p: BackfillProgress): string {
  if (p.dryRun) return `Dry run: ${p.planned} of ${p.total} date(s) would run, ${p.skipped} skipped; nothing was started.`;
  const head = p.aborted ? 'Backfill cancelled' : 'Backfill finished';
  return `${head}: ${p.succeeded} succeeded, ${p.failed} failed, ${p.cancelled} cancelled, ${p.skipped} skipped, ${p.pending} not started (of ${p.total}; at most ${p.peakRunning} at once).`;
}

function intOption(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

/** Poll the progress query until the workflow ends; every date seen on any page is remembered. */
async function follow(
  client: Client,
  handle: WorkflowHandle,
  io: Io,
  json: boolean,
): Promise<{ final: BackfillProgress; seen: Map<string, DateOutcome> }> {
  const seen = new Map<string, DateOutcome>();
  const started = Date.now();
  const tty = io.stderr.isTTY && !json;
  let lastLine = 0;
  let ended = false;
  const result = handle.result().finally(() => (ended = true)) as Promise<BackfillProgress>;
  result.catch(() => undefined);
  while (!ended) {
    const p = await backfillProgress(client, handle.workflowId).catch(() => undefined);
    if (p) {
      for (const d of p.dates) seen.set(d.logicalDate, d);
      if (tty) io.stderr.write(`\r\x1b[2K${progressLine(p, Date.now() - started, true)}`);
      else if (!json && Date.now() - lastLine >= LINE_EVERY_MS) {
        io.stderr.write(`${progressLine(p, Date.now() - started, false)}\n`);
        lastLine = Date.now();
      }
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  let final: BackfillProgress;
  try {
    final = await result;
  } catch (err) {
    if (tty) io.stderr.write('\n');
    throw new CliError(
      `backfill failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`,
    );
  }
  if (tty) io.stderr.write(`\r\x1b[2K${progressLine(final, Date.now() - started, true)}\n`);
  else if (!json) io.stderr.write(`${progressLine(final, Date.now() - started, false)}\n`);
  for (const d of final.dates) seen.set(d.logicalDate, d);
  return { final, seen };
}

export const backfill: Command = {
  name: 'backfill',
  summary: 'Run a scheduled DAG for every logical date in a range (a durable backfill workflow)',
  positionals: [{ name: 'dag', description: "the DAG's id; it must have a schedule" }],
  options: {
    from: {
      type: 'string',
      value: 'iso',
      description: 'first logical date (inclusive), e.g. 2024-01-01 (a bare date: from the start of that day)',
    },
    to: { type: 'string', value: 'iso', description: "last logical date (inclusive; a bare date: the whole day, in the DAG's timezone)" },
    reprocess: {
      type: 'string',
      value: 'mode',
      description: 'dates that already ran: none (skip them, default), failed (re-run failed ones), completed (re-run all)',
    },
    'max-active': {
      type: 'string',
      value: 'n',
      description: "at most n DAG runs at once (default: the schedule's maxActiveRuns, else 16)",
    },
    backwards: { type: 'boolean', description: 'newest date first' },
    'dry-run': { type: 'boolean', description: 'list the dates and what would happen to each; start nothing' },
    resume: {
      type: 'boolean',
      description: 'with --reprocess failed: re-run a failed date as a retry of its failed run (its successful tasks are reused)',
    },
    params: { type: 'string', value: 'json', description: 'params for every run, as a JSON object' },
    json: { type: 'boolean', description: 'print the final report as JSON' },
  },
  examples: [
    'tideflow backfill example_etl --from 2024-01-01 --to 2024-01-31 --max-active 5',
    'tideflow backfill example_etl --from 2024-01-01 --to 2024-06-30 --reprocess failed --dry-run',
    'tideflow backfill example_etl --from 2024-01-01 --to 2024-06-30 --reprocess failed --resume',
  ],
  async run(args, io) {
    const dag = findDag(positional(args, 0));
    const from = stringOption(args, 'from');
    const to = stringOption(args, 'to');
    if (from === undefined || to === undefined)
      throw usageError('--from and --to are required', "run 'tideflow backfill --help' for usage");
    const reprocess = checkChoice('reprocess', stringOption(args, 'reprocess') ?? 'none', REPROCESS_MODES);
    const maxActive = intOption(stringOption(args, 'max-active'), 'max-active');
    const options = {
      from,
      to,
      reprocess,
      ...(maxActive !== undefined && { maxActive }),
      backwards: flagOption(args, 'backwards'),
      dryRun: flagOption(args, 'dry-run'),
      resume: flagOption(args, 'resume'),
      params: parseParamsOption(stringOption(args, 'params')),
    };
    try {
      backfillInput(dag, options);
    } catch (err) {
      if (err instanceof BackfillError || err instanceof ParamsError) throw new CliError(err.message, EXIT.usage);
      throw err;
    }
    const json = flagOption(args, 'json');
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      let handle: WorkflowHandle;
      try {
        handle = await startBackfill(session.client, dag, { taskQueue: config.taskQueue, ...options });
      } catch (err) {
        if (err instanceof BackfillError) throw new CliError(err.message);
        throw err;
      }
      io.stderr.write(`Started backfill ${handle.workflowId} on task queue '${config.taskQueue}'\n`);
      io.stderr.write(
        `(it is durable: Ctrl-C stops following, not the backfill; cancel it with: npx tideflow runs cancel '${handle.workflowId}')\n`,
      );
      const { final, seen } = await follow(session.client, handle, io, json);
      const dates = [...seen.values()].sort((a, b) => (final.backwards ? -1 : 1) * a.logicalDate.localeCompare(b.logicalDate));
      const ok = final.failed === 0 && final.cancelled === 0 && !final.aborted;
      if (json) {
        printJson(io, { workflowId: handle.workflowId, ...final, dates });
        return ok ? EXIT.ok : EXIT.failed;
      }
      io.stdout.write(outcomeTable(dates));
      const missing = final.total - dates.length;
      if (missing > 0)
        io.stdout.write(`(${missing} date(s) from earlier pages not shown: successes are not kept across continue-as-new)\n`);
      io.stdout.write(`${paint(io, ok ? 'green' : 'red', summary(final))}\n`);
      return ok ? EXIT.ok : EXIT.failed;
    });
  },
};
