/**
 * The `tideflow` command line: route argv to a command, print its errors for people, and
 * exit with a meaningful code (0 ok, 1 failed, 2 bad usage or configuration, 130 Ctrl-C).
 * Run through bin/tideflow.js (`npx tideflow`) or `npm run tideflow --`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from './command';
import { dagsList, dagsValidate } from './commands/dags';
import { driftCommands } from './commands/drift';
import { modelsCommands } from './commands/models';
import { artifactsGet, artifactsPut } from './commands/artifacts';
import { backfill } from './commands/backfill';
import { runsCommands } from './commands/runs';
import { runsRetry } from './commands/runs-retry';
import { scheduleCommands } from './commands/schedules';
import { serve } from './commands/serve';
import { predictionsCommands } from './commands/predictions';
import { trigger } from './commands/trigger';
import { deployCommands } from './commands/deploy';
import { cacheCommands } from './commands/cache';
import { closest, CliError, EXIT, usageError } from './errors';
import { parseCommandArgs } from './args';
import { renderGroupHelp, renderTopHelp } from './help';
import { processIo, type Io } from './io';
import { processMain, reportErrors, runCommand } from './run';

export const COMMANDS: readonly Command[] = [
  dagsList,
  dagsValidate,
  trigger,
  ...runsCommands,
  runsRetry,
  backfill,
  ...scheduleCommands,
  ...modelsCommands,
  ...driftCommands,
  artifactsGet,
  serve,
  ...predictionsCommands,
  artifactsPut,
  ...deployCommands,
  ...cacheCommands,
];

/** Commands with subcommands, and what the group is for. */
const GROUPS: Record<string, string> = {
  dags: 'Inspect and check the DAG definitions in dags/.',
  runs: 'Inspect, cancel and retry DAG runs.',
  models: 'The model registry: versions, aliases (promote, rollback) and lineage.',
  artifacts: 'Artifacts: download what runs wrote (reports, datasets, predictions), upload data for them.',
  drift: "Drift alerts and each model's retraining controller.",
  predictions: "The prediction server's logs: join labels that arrive later.",
  schedules: "Manage the Temporal Schedules that run dags/ ('sync' makes them match).",
  cache: 'The step cache: list or clear the entries that let unchanged tasks reuse earlier outputs.',
};

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function unknownCommand(word: string, candidates: readonly string[], scope: string): CliError {
  const guess = closest(word, candidates);
  return usageError(
    `unknown command '${scope}${word}'${guess ? ` (did you mean '${scope}${guess}'?)` : ''}`,
    `run 'tideflow ${scope}--help' for the list of commands`,
  );
}

/** A command that is also a group, and its explicit form for an argument spelled like a subcommand. */
const EXPLICIT_FORM: Record<string, string> = { deploy: 'deploy start' };

/**
 * `tideflow deploy status --version 3` means the subcommand `deploy status`, never a model named
 * 'status'. When the words after it do not fit the subcommand, say so and give the explicit form.
 */
function explainShadowedArgument(pair: Command, single: Command, second: string, rest: readonly string[]): void {
  try {
    parseCommandArgs(pair, rest);
  } catch (err) {
    const explicit = EXPLICIT_FORM[single.name];
    if (!(err instanceof CliError) || explicit === undefined) throw err;
    const argument = single.positionals?.[0]?.name ?? 'argument';
    throw usageError(
      `${err.message} ('${second}' is read as the subcommand 'tideflow ${pair.name}')`,
      `for a ${argument} named '${second}', write: tideflow ${[explicit, second, ...rest].join(' ')}`,
    );
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [first, second] = argv;
  if (first === undefined) {
    io.stderr.write(renderTopHelp(COMMANDS));
    return EXIT.usage;
  }
  if (isHelp(first)) {
    io.stdout.write(renderTopHelp(COMMANDS));
    return EXIT.ok;
  }
  // `tideflow help trigger` reads as `tideflow trigger --help`.
  if (first === 'help') return second === undefined ? dispatch(['--help'], io) : dispatch([...argv.slice(1), '--help'], io);
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (first.startsWith('-'))
    throw usageError(`unknown option '${first}' (options go after the command)`, "run 'tideflow --help' for usage");

  // A command that is also a group (`deploy <model>`, `deploy status <model>`): the two-word form first.
  const pair = second === undefined ? undefined : COMMANDS.find((c) => c.name === `${first} ${second}`);
  const single = COMMANDS.find((c) => c.name === first);
  if (pair) {
    if (single) explainShadowedArgument(pair, single, second as string, argv.slice(2));
    return runCommand(pair, argv.slice(2), io);
  }
  if (single) return runCommand(single, argv.slice(1), io);

  const groupSummary = GROUPS[first];
  if (groupSummary === undefined) {
    const words = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0] ?? c.name)), 'help'];
    throw unknownCommand(first, words, '');
  }
  const members = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (second === undefined || isHelp(second)) {
    (second === undefined ? io.stderr : io.stdout).write(renderGroupHelp(first, groupSummary, members));
    return second === undefined ? EXIT.usage : EXIT.ok;
  }
  const sub = members.find((c) => c.name === `${first} ${second}`);
  if (!sub)
    throw unknownCommand(
      second,
      members.map((c) => c.name.slice(first.length + 1)),
      `${first} `,
    );
  return runCommand(sub, argv.slice(2), io);
}

/** Run the CLI on `argv` (without node and script); resolves to the exit code, never throws. */
export function runCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  return reportErrors(io, () => dispatch(argv, io));
}

export function main(): Promise<void> {
  return processMain(runCli, process.argv.slice(2));
}

if (require.main === module) void main();
