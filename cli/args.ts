/**
 * Parse one command's arguments with node's util.parseArgs (strict), from the same spec the
 * help text is rendered from, so a flag cannot be documented without being accepted or
 * accepted without being documented. Mistakes become usage errors (exit 2) that name the
 * command and suggest the closest flag.
 */
import { parseArgs } from 'node:util';
import { closest, usageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder of a string option's value in help, e.g. 'json' for `--params <json>`. */
  value?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
}

export interface CommandSpec {
  /** As typed after `tideflow`: 'trigger', 'dags list'. */
  name: string;
  summary: string;
  /** Required positionals, in order (no command takes optional ones). */
  positionals?: PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples: string[];
}

export interface ParsedArgs {
  help: boolean;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** Every command accepts --help / -h, so it is added here rather than in each spec. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** `--json`, for the commands whose output is a plain JSON form of what they print. */
export const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'print JSON' };

/** The registered model a `models`, `deploy` or `predictions` command is about. */
export const MODEL_POSITIONAL: PositionalSpec = { name: 'model', description: 'registered model name' };

/** `--run-id`, for the commands that act on one run of a workflow id (`runs show`, `runs cancel`, `runs retry`). */
export const RUN_ID_OPTION: OptionSpec = {
  type: 'string',
  value: 'id',
  description: 'a specific run of that workflow id (default: the latest)',
};

interface NodeArgError {
  code?: string;
  message: string;
}

function isNodeArgError(err: unknown): err is NodeArgError {
  return err instanceof Error && typeof (err as NodeArgError).code === 'string';
}

function helpHint(spec: CommandSpec): string {
  return `run 'tideflow ${spec.name} --help' for usage`;
}

/** Turn parseArgs' errors (written for programmers) into errors for the person at the terminal. */
function translate(err: NodeArgError, spec: CommandSpec): Error {
  const flags = Object.keys(spec.options).map((name) => `--${name}`);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /Unknown option '([^']+)'/.exec(err.message)?.[1] ?? err.message;
    const guess = closest(flag.replace(/=.*$/, ''), [...flags, '--help']);
    return usageError(`unknown option '${flag}' for 'tideflow ${spec.name}'${guess ? ` (did you mean ${guess}?)` : ''}`, helpHint(spec));
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // e.g. "Option '--params <value>' argument missing", or a boolean flag given a value.
    return usageError(`${err.message.replace(/^Option/, 'option')} (in 'tideflow ${spec.name}')`, helpHint(spec));
  }
  return usageError(`${err.message} (in 'tideflow ${spec.name}')`, helpHint(spec));
}

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: HELP_OPTION };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type, ...(o.short !== undefined && { short: o.short }) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw isNodeArgError(err) ? translate(err, spec) : err;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const result: ParsedArgs = { help: values.help === true, positionals: parsed.positionals, values };
  // With --help the rest is not checked: `tideflow trigger --help` must work without a DAG id.
  if (result.help) return result;
  const expected = spec.positionals ?? [];
  const missing = expected[parsed.positionals.length];
  if (missing) throw usageError(`missing <${missing.name}> for 'tideflow ${spec.name}': ${missing.description}`, helpHint(spec));
  const extra = parsed.positionals[expected.length];
  if (extra !== undefined) throw usageError(`unexpected argument '${extra}' for 'tideflow ${spec.name}'`, helpHint(spec));
  return result;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * `value` (a flag's text, or its default) when it is one of `choices`; a usage error listing them
 * otherwise. A flag that was not given (undefined) stays undefined.
 */
export function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T;
export function checkChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined;
export function checkChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value !== undefined && !(choices as readonly string[]).includes(value))
    throw usageError(`--${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  return value as T | undefined;
}

export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A required positional; parseCommandArgs already checked it is there. */
export function positional(args: ParsedArgs, index: number): string {
  const v = args.positionals[index];
  if (v === undefined) throw new Error(`internal: positional ${index} missing after parsing`);
  return v;
}
