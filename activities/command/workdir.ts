/**
 * The command step's private work dir (inputs, outputs, tmp, captured logs, the result file)
 * and where its files go in the store: under the run's folder, by task and attempt.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FailureType, InputError } from '../../core/errors';
import { InvalidKeyError } from '../../storage/artifacts/errors';
import { validateKey } from '../../storage/artifacts/keys';
import type { TaskContext } from '../context';
import type { ArtifactStore } from '../ml/store';
import { MaskStream } from './capture';
import { uploadFile } from './staging';
import type { ArtifactRef } from './types';

export interface Layout {
  dir: string;
  inputs: string;
  outputs: string;
  tmp: string;
  stdout: string;
  stderr: string;
  result: string;
}

export async function makeLayout(dir: string): Promise<Layout> {
  const l = {
    dir,
    inputs: join(dir, 'inputs'),
    outputs: join(dir, 'outputs'),
    tmp: join(dir, 'tmp'),
    stdout: join(dir, 'stdout.txt'),
    stderr: join(dir, 'stderr.txt'),
    result: join(dir, 'result.json'),
  };
  await Promise.all([mkdir(l.inputs), mkdir(l.outputs), mkdir(l.tmp)]);
  return l;
}

/** `${prefix}runs/<dag>/<run>/`: this run's folder; ids are checked as key segments. */
export function runKey(store: ArtifactStore, ctx: TaskContext, rest: string): string {
  const task = `${ctx.taskId}${ctx.mapIndex === undefined ? '' : `.${ctx.mapIndex}`}`;
  try {
    return validateKey(`${store.prefix}runs/${ctx.dagId}/${ctx.workflowId}/${rest.replace('<task>', task)}`);
  } catch (err) {
    if (err instanceof InvalidKeyError)
      throw new InputError(`cannot store the command's files: ${err.message}`, { type: FailureType.InvalidKey });
    throw err;
  }
}

/** Upload both captured logs, masked, under `logs/<task>/attempt-<n>/`. */
export async function uploadLogs(
  store: ArtifactStore,
  ctx: TaskContext,
  l: Layout,
  secrets: readonly string[],
  signal: AbortSignal,
): Promise<{ stdout: ArtifactRef; stderr: ArtifactRef }> {
  const up = (file: string, path: string): Promise<ArtifactRef> =>
    uploadFile(store, runKey(store, ctx, `logs/<task>/attempt-${ctx.attempt}/${file}`), path, {
      contentType: 'text/plain; charset=utf-8',
      transform: new MaskStream(secrets),
      signal,
    });
  const [stdout, stderr] = await Promise.all([up('stdout.txt', l.stdout), up('stderr.txt', l.stderr)]);
  return { stdout, stderr };
}
