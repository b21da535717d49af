/**
 * Running one command as a process, shared by the whole CLI (cli/main.ts) and the bundled
 * `tideflow serve` entry (cli/serve-main.ts), so both parse, report errors and exit alike.
 */
import { parseCommandArgs } from './args';
import type { Command } from './command';
import { CliError, EXIT, redactSecrets } from './errors';
import { renderCommandHelp } from './help';
import { processIo, type Io } from './io';

export async function runCommand(cmd: Command, argv: readonly string[], io: Io): Promise<number> {
  const args = parseCommandArgs(cmd, argv);
  if (args.help) {
    io.stdout.write(renderCommandHelp(cmd));
    return EXIT.ok;
  }
  return cmd.run(args, io);
}

/** Run `body`, printing its errors for people; resolves to the exit code, never throws. */
export async function reportErrors(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`error: ${redactSecrets(err.message, io.env)}\n`);
      if (err.hint !== undefined) io.stderr.write(`${redactSecrets(err.hint, io.env)}\n`);
      return err.exitCode;
    }
    // Unexpected: still one line by default; the stack is there for whoever debugs it.
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    io.stderr.write(`error: ${redactSecrets(text, io.env)}\n`);
    if (io.env.TIDEFLOW_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${redactSecrets(err.stack, io.env)}\n`);
    else io.stderr.write('(set TIDEFLOW_DEBUG=1 for the stack trace)\n');
    return EXIT.failed;
  }
}

/** Process entry point: run, let stdout drain, then exit so no stray handle keeps the CLI alive. */
export async function processMain(run: (argv: readonly string[], io: Io) => Promise<number>, argv: readonly string[]): Promise<void> {
  // `tideflow dags list --json | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  const code = await run(argv, processIo());
  process.stdout.write('', () => process.exit(code));
}
