/** What a command module exports: its spec (flags, help) and what it does. */
import type { CommandSpec, ParsedArgs } from './args';
import type { Io } from './io';

export interface Command extends CommandSpec {
  /** Resolves to the exit code; throws CliError for failures that are just a message. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}
