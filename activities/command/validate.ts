/**
 * Checks on a command step's input before anything is downloaded or started. The input comes
 * from a DAG (typed) but also from the Web UI or JSON, so shapes are checked at run time too.
 * Every problem is a DAG or configuration bug: non-retryable, all reported at once.
 */
import { isAbsolute, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { CommandInput } from './types';

export const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables Tideflow sets for the process; `env` and `envFromWorker` may not override them. */
export const RESERVED_ENV = [
  'TIDEFLOW_DAG_ID',
  'TIDEFLOW_TASK_ID',
  'TIDEFLOW_RUN_ID',
  'TIDEFLOW_TEMPORAL_RUN_ID',
  'TIDEFLOW_LOGICAL_DATE',
  'TIDEFLOW_DS',
  'TIDEFLOW_DATA_INTERVAL_START',
  'TIDEFLOW_DATA_INTERVAL_END',
  'TIDEFLOW_ATTEMPT',
  'TIDEFLOW_MAP_INDEX',
  'TIDEFLOW_PARAMS',
  'TIDEFLOW_OUTPUT_FILE',
  'TIDEFLOW_WORK_DIR',
] as const;
const MAX_SECONDS = 7 * 24 * 3600;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A relative file name inside the outputs directory: no traversal, no absolute path. */
function outputFileProblem(file: unknown): string | undefined {
  if (typeof file !== 'string' || file === '') return 'must be a non-empty relative file name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(file)) return 'contains control characters';
  if (isAbsolute(file) || file.includes('\\')) return `${JSON.stringify(file)} must be relative, with '/' between segments`;
  const segments = file.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return `${JSON.stringify(file)} has an empty, '.' or '..' segment`;
  return undefined;
}

function seconds(problems: string[], field: string, v: unknown, min: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > MAX_SECONDS)
    problems.push(`${field} must be a number of seconds in [${min}, ${MAX_SECONDS}], got ${JSON.stringify(v)}`);
}

/** Shape and naming rules; throws InvalidCommandInput listing every problem. */
export function validateCommandInput(input: unknown): CommandInput {
  const problems: string[] = [];
  if (!isRecord(input))
    throw ApplicationFailure.nonRetryable(`runCommand input must be an object, got ${JSON.stringify(input)}`, 'InvalidCommandInput');
  const { command, args, inputs, outputs, vars, env, envFromWorker, cwd } = input;
  if (typeof command !== 'string' || command.trim() === '') problems.push('command must be a non-empty string');
  else if (command.includes('\0')) problems.push('command contains a NUL byte');
  else if (command !== command.trim() || (/\s/.test(command) && !command.includes('/'))) {
    problems.push(
      `command ${JSON.stringify(command)} contains whitespace: put the executable in command and each argument in args (no shell is used)`,
    );
  }
  if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== 'string')))
    problems.push('args must be an array of strings');
  else if (args?.some((a) => (a as string).includes('\0'))) problems.push('args contains a NUL byte');
  if (inputs !== undefined) {
    if (!isRecord(inputs)) problems.push('inputs must be an object of name → s3:// URI or {uri, bytes, sha256}');
    else {
      for (const [name, src] of Object.entries(inputs)) {
        if (!NAME.test(name)) problems.push(`inputs name ${JSON.stringify(name)} must match ${NAME.source}`);
        const uri = typeof src === 'string' ? src : isRecord(src) ? src['uri'] : undefined;
        if (typeof uri !== 'string' || !/^s3:\/\/[^/]+\/.+/.test(uri))
          problems.push(`inputs.${name} must be an s3://bucket/key URI or {uri, bytes, sha256}, got ${JSON.stringify(src)}`);
        if (isRecord(src) && src['sha256'] !== undefined && !(typeof src['sha256'] === 'string' && /^[0-9a-f]{64}$/.test(src['sha256'])))
          problems.push(`inputs.${name}.sha256 must be 64 lowercase hex digits`);
        if (isRecord(src) && src['bytes'] !== undefined && !(Number.isInteger(src['bytes']) && (src['bytes'] as number) >= 0))
          problems.push(`inputs.${name}.bytes must be a non-negative integer`);
      }
    }
  }
  if (outputs !== undefined) {
    if (!isRecord(outputs)) problems.push('outputs must be an object of name → relative file name');
    else {
      const files = new Set<string>();
      for (const [name, file] of Object.entries(outputs)) {
        if (!NAME.test(name)) problems.push(`outputs name ${JSON.stringify(name)} must match ${NAME.source}`);
        const p = outputFileProblem(file);
        if (p) problems.push(`outputs.${name}: ${p}`);
        else if (files.has(file as string)) problems.push(`outputs.${name}: file ${JSON.stringify(file)} is declared twice`);
        files.add(file as string);
      }
    }
  }
  if (vars !== undefined && !isRecord(vars)) problems.push('vars must be an object');
  if (env !== undefined) {
    if (!isRecord(env)) problems.push('env must be an object of name → string');
    else {
      for (const [k, v] of Object.entries(env)) {
        if (!ENV_NAME.test(k)) problems.push(`env name ${JSON.stringify(k)} must match ${ENV_NAME.source}`);
        else if ((RESERVED_ENV as readonly string[]).includes(k)) problems.push(`env.${k} is set by Tideflow and cannot be overridden`);
        if (typeof v !== 'string') problems.push(`env.${k} must be a string, got ${typeof v}`);
        else if (v.includes('\0')) problems.push(`env.${k} contains a NUL byte`);
      }
    }
  }
  if (envFromWorker !== undefined) {
    if (!Array.isArray(envFromWorker) || envFromWorker.some((n) => typeof n !== 'string'))
      problems.push('envFromWorker must be an array of variable names');
    else {
      for (const n of envFromWorker as string[]) {
        if (!ENV_NAME.test(n)) problems.push(`envFromWorker name ${JSON.stringify(n)} must match ${ENV_NAME.source}`);
        else if ((RESERVED_ENV as readonly string[]).includes(n))
          problems.push(`envFromWorker: ${n} is set by Tideflow and cannot be passed through`);
        if (isRecord(env) && Object.prototype.hasOwnProperty.call(env, n)) problems.push(`${n} is in both env and envFromWorker`);
      }
    }
  }
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '' || cwd.includes('\0'))) problems.push('cwd must be a non-empty path');
  seconds(problems, 'timeoutSeconds', input['timeoutSeconds'], 0.001);
  seconds(problems, 'killGraceSeconds', input['killGraceSeconds'], 0);
  seconds(problems, 'heartbeatSeconds', input['heartbeatSeconds'], 0.05);
  if (problems.length > 0) throw ApplicationFailure.nonRetryable(`invalid runCommand input: ${problems.join('; ')}`, 'InvalidCommandInput');
  return input as unknown as CommandInput;
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
    throw ApplicationFailure.nonRetryable(
      `command ${JSON.stringify(command)} is not allowed on this worker: TIDEFLOW_COMMAND_ALLOW permits ${entries.map((e) => JSON.stringify(e)).join(', ')}`,
      'CommandNotAllowed',
    );
  }
}
