/**
 * Checks on a command step's input before anything is downloaded or started: the zod schema
 * (./input-schema.ts) for shapes and names, the worker's allow-list for the command. Every
 * problem is a DAG or configuration bug: non-retryable, all reported at once.
 */
import { resolve } from 'node:path';
import { ConfigError, FailureType, InputError } from '../../core/errors';
import { commandInputProblems, commandInputSchema, type CommandInput } from './input-schema';

export { ENV_NAME, NAME, RESERVED_ENV } from './input-schema';

/** Shape and naming rules; throws InvalidCommandInput listing every problem. */
export function validateCommandInput(input: unknown): CommandInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InputError(`runCommand input must be an object, got ${JSON.stringify(input)}`, { type: FailureType.InvalidCommandInput });
  const parsed = commandInputSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError(`invalid runCommand input: ${commandInputProblems(parsed.error).join('; ')}`, {
      type: FailureType.InvalidCommandInput,
    });
  return parsed.data;
}

/**
 * TIDEFLOW_COMMAND_ALLOW: comma-separated entries; when set, the (rendered) command must match
 * one. A bare name (`python3`) matches that exact command string; a path (`/usr/bin/python3`)
 * matches the command resolved against cwd; a directory ending in `/` (`/opt/jobs/`) matches
 * any command under it.
 */
export function checkAllowed(command: string, cwd: string, allow: string | undefined): void {
  if (allow === undefined || allow.trim() === '') return;
  const entries = allow
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const absolute = command.includes('/') ? resolve(cwd, command) : undefined;
  const ok = entries.some((e) => {
    if (!e.includes('/')) return e === command;
    if (e.endsWith('/')) return absolute !== undefined && absolute.startsWith(resolve(e) + '/');
    return absolute !== undefined && absolute === resolve(e);
  });
  if (!ok) {
    throw new ConfigError(
      `command ${JSON.stringify(command)} is not allowed on this worker: TIDEFLOW_COMMAND_ALLOW permits ${entries.map((e) => JSON.stringify(e)).join(', ')}`,
      { type: FailureType.CommandNotAllowed },
    );
  }
}
