/**
 * After a successful exit: check and upload the declared outputs, read the JSON result the
 * process may have written to $TIDEFLOW_OUTPUT_FILE. A missing output or a bad result is the
 * script's contract broken, which the same script breaks again on retry: non-retryable.
 */
import { lstat, readFile } from 'node:fs/promises';
import { FailureType, InputError } from '../../core/errors';
import { maskText } from './capture';
import { uploadFile, type TransferHooks } from './staging';
import type { ArtifactStore } from '../ml/store';
import type { ArtifactRef } from './types';

/** The result travels in workflow history: keep it small. Large results belong in a declared output. */
export const RESULT_MAX_BYTES = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  txt: 'text/plain; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
};

function contentTypeOf(file: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  return (ext && CONTENT_TYPES[ext]) ?? 'application/octet-stream';
}

/** Every declared output must be a regular file the process wrote (a symlink could point anywhere on the worker). */
export async function checkOutputs(outputs: Record<string, { file: string; path: string }>): Promise<void> {
  const problems: string[] = [];
  for (const [name, o] of Object.entries(outputs)) {
    const st = await lstat(o.path).catch(() => undefined);
    if (!st) problems.push(`'${name}' (${o.file}) was not written`);
    else if (st.isSymbolicLink()) problems.push(`'${name}' (${o.file}) is a symbolic link; write the file itself`);
    else if (!st.isFile()) problems.push(`'${name}' (${o.file}) is not a regular file`);
  }
  if (problems.length > 0) {
    throw new InputError(`the command exited 0 but declared output(s) ${problems.join('; ')}; write each to its {{outputs.<name>}} path`, {
      type: FailureType.CommandOutputMissing,
    });
  }
}

export async function uploadOutputs(
  store: ArtifactStore,
  keyOf: (file: string) => string,
  outputs: Record<string, { file: string; path: string }>,
  hooks: TransferHooks,
): Promise<Record<string, ArtifactRef>> {
  const refs: Record<string, ArtifactRef> = {};
  for (const [name, o] of Object.entries(outputs)) {
    refs[name] = await uploadFile(store, keyOf(o.file), o.path, { ...hooks, contentType: contentTypeOf(o.file) });
  }
  return refs;
}

/** The JSON object in the result file, or undefined when the process wrote none. */
export async function readResult(
  path: string,
  secrets: readonly string[],
  maxBytes = RESULT_MAX_BYTES,
): Promise<Record<string, unknown> | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile()) throw new InputError('$TIDEFLOW_OUTPUT_FILE is not a regular file', { type: FailureType.InvalidCommandResult });
  if (st.size > maxBytes) {
    throw new InputError(
      `the result written to $TIDEFLOW_OUTPUT_FILE is ${st.size} bytes, over the ${maxBytes}-byte limit (it travels in workflow history); write large data to a declared output and put its name or a summary in the result`,
      { type: FailureType.CommandResultTooLarge },
    );
  }
  const text = maskText(await readFile(path, 'utf8'), secrets);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(
      `the result written to $TIDEFLOW_OUTPUT_FILE is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      { type: FailureType.InvalidCommandResult },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `the result written to $TIDEFLOW_OUTPUT_FILE must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
      { type: FailureType.InvalidCommandResult },
    );
  }
  return value as Record<string, unknown>;
}
