/**
 * `runCommand`: run an external process (a user's `python3 train.py …`) as a task.
 *
 * In order: check the input, render placeholders, download the inputs into a private work dir,
 * spawn the command (argv, no shell) in its own process group with stdout/stderr going to files,
 * heartbeat while it runs, stop the group on timeout or cancellation, upload both logs (masked)
 * whatever happened, and on a 0 exit upload the declared outputs and read the JSON result.
 * The work dir is removed at the end. Errors say what to fix; only those a retry may cure are
 * retryable (a non-zero exit, a timeout, S3 trouble).
 */
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError, FailureType, InputError, TransientError } from '../../core/errors';
import { renderFields, TemplateError, type TemplateScope } from '../../core/template';
import { InvalidKeyError } from '../../storage/artifacts/errors';
import { validateKey } from '../../storage/artifacts/keys';
import { s3Location } from '../../storage/s3-uri';
import type { TaskContext } from '../context';
import type { ArtifactStore, StoreProvider } from '../ml/store';
import { MaskStream, maskText, readTail, secretsToMask, tailLines } from './capture';
import { checkOutputs, readResult, uploadOutputs } from './collect';
import { builtinValues, childEnvironment, workerSecrets } from './env';
import { spawnGroup, stopGroup, supervise, type Supervised } from './process';
import { downloadInput, uploadFile } from './staging';
import type { ArtifactRef, CommandInput, CommandOutput, CommandProgress } from './types';
import { checkAllowed, validateCommandInput } from './validate';

/** Relative `cwd`s and the default working directory: the repository (or image) the worker runs from. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
const STDERR_TAIL_LINES = 20;
/** A cancelled task still tries to upload its logs, but not for longer than this. */
const LOG_UPLOAD_AFTER_CANCEL_MS = 15_000;

interface Layout {
  dir: string;
  inputs: string;
  outputs: string;
  tmp: string;
  stdout: string;
  stderr: string;
  result: string;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const short = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}…` : s);

async function makeLayout(dir: string): Promise<Layout> {
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
function runKey(store: ArtifactStore, ctx: TaskContext, rest: string): string {
  const task = `${ctx.taskId}${ctx.mapIndex === undefined ? '' : `.${ctx.mapIndex}`}`;
  try {
    return validateKey(`${store.prefix}runs/${ctx.dagId}/${ctx.workflowId}/${rest.replace('<task>', task)}`);
  } catch (err) {
    if (err instanceof InvalidKeyError)
      throw new InputError(`cannot store the command's files: ${err.message}`, { type: FailureType.InvalidKey });
    throw err;
  }
}

function render(input: CommandInput, scope: TemplateScope): { command: string; args: string[]; env: Record<string, string> } {
  const args = input.args ?? [];
  const envEntries = Object.entries(input.env ?? {});
  try {
    const out = renderFields(
      [
        { where: 'command', text: input.command },
        ...args.map((text, i) => ({ where: `args[${i}]`, text })),
        ...envEntries.map(([k, text]) => ({ where: `env.${k}`, text })),
      ],
      scope,
    );
    const command = out[0] as string;
    if (command.trim() === '')
      throw new InputError(`command ${JSON.stringify(input.command)} renders to an empty string`, {
        type: FailureType.InvalidCommandInput,
      });
    return {
      command,
      args: out.slice(1, 1 + args.length),
      env: Object.fromEntries(envEntries.map(([k], i) => [k, out[1 + args.length + i] as string])),
    };
  } catch (err) {
    if (err instanceof TemplateError) throw new InputError(err.message, { type: FailureType.UnknownPlaceholder });
    throw err;
  }
}

async function resolveCwd(cwd: string | undefined): Promise<string> {
  const dir = resolve(PROJECT_ROOT, cwd ?? '.');
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new InputError(`cwd ${JSON.stringify(cwd)} (${dir}) ${st ? 'is not a directory' : 'does not exist'} on this worker`, {
      type: FailureType.InvalidCommandInput,
    });
  }
  return dir;
}

async function uploadLogs(
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

/** How the run ended, for a failure message: exit code or signal, and who stopped it. */
function describeEnd(label: string, sup: Supervised, graceMs: number, ranMs: number, reason: string): string {
  if (sup.stoppedBy) {
    const why = sup.stoppedBy === 'timeout' ? `timed out after ${seconds(ranMs)}` : `was cancelled (${reason}) after ${seconds(ranMs)}`;
    const how = sup.stop?.killed
      ? `sent SIGTERM to its process group, then SIGKILL after the ${seconds(graceMs)} grace period`
      : 'sent SIGTERM to its process group, which exited within the grace period';
    return `command ${label} ${why}: ${how}`;
  }
  const end = sup.exit.code !== null ? `exited with code ${sup.exit.code}` : `was killed by signal ${sup.exit.signal ?? 'unknown'}`;
  return `command ${label} ${end} after ${seconds(ranMs)}`;
}

function cancelReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.message) return r.message;
  return typeof r === 'string' ? r : 'cancelled';
}

async function execute(store: ArtifactStore, input: CommandInput, ctx: TaskContext, l: Layout): Promise<CommandOutput> {
  const secretValues = workerSecrets(process.env, input.envFromWorker ?? []);
  const secrets = secretsToMask(Object.values(secretValues));

  // Local paths the placeholders point at.
  const inputPaths: Record<string, string> = {};
  for (const [name, src] of Object.entries(input.inputs ?? {})) {
    const loc = s3Location(typeof src === 'string' ? src : src.uri);
    // The object's own file name (extension included, which some readers care about), never '.' or '..'.
    const base = basename(loc?.key ?? name);
    inputPaths[name] = join(l.inputs, name, base === '.' || base === '..' || base === '' ? name : base);
  }
  const outputs: Record<string, { file: string; path: string }> = {};
  for (const [name, file] of Object.entries(input.outputs ?? {})) outputs[name] = { file, path: join(l.outputs, file) };
  const scope: TemplateScope = {
    builtins: builtinValues(ctx, l.dir),
    params: ctx.params ?? {},
    vars: input.vars ?? {},
    inputs: inputPaths,
    outputs: Object.fromEntries(Object.entries(outputs).map(([n, o]) => [n, o.path])),
  };
  const { command, args, env } = render(input, scope);
  const cwd = await resolveCwd(input.cwd);
  checkAllowed(command, cwd, process.env['TIDEFLOW_COMMAND_ALLOW']);
  const label = short(JSON.stringify(command));
  const graceMs = (input.killGraceSeconds ?? 5) * 1000;

  let phase: CommandProgress['phase'] = 'staging';
  let pid: number | undefined;
  let spawnedAt = Date.now();
  const progress = async (): Promise<CommandProgress> => {
    const [out, err] = await Promise.all([stat(l.stdout).catch(() => undefined), stat(l.stderr).catch(() => undefined)]);
    const last = maskText(await readTail(l.stderr, 2048), secrets)
      .split(/\r?\n/)
      .filter((x) => x.trim() !== '')
      .pop();
    return {
      phase,
      ...(pid !== undefined && { pid }),
      elapsedMs: Date.now() - spawnedAt,
      stdoutBytes: out?.size ?? 0,
      stderrBytes: err?.size ?? 0,
      ...(last !== undefined && { lastStderrLine: short(last, 200) }),
    };
  };
  let beating = false;
  const beat = (): void => {
    if (beating) return;
    beating = true;
    void progress()
      .then(
        (p) => ctx.heartbeat(p),
        () => undefined,
      )
      .finally(() => (beating = false));
  };

  // Inputs first: the process starts only with every file present and verified.
  for (const [name, src] of Object.entries(input.inputs ?? {})) {
    const path = inputPaths[name] as string;
    await mkdir(dirname(path), { recursive: true });
    await downloadInput(store, name, src, path, {
      signal: ctx.signal,
      onProgress: (bytes) => ctx.heartbeat({ phase, input: name, bytes }),
    });
  }
  for (const o of Object.values(outputs)) await mkdir(dirname(o.path), { recursive: true });
  if (ctx.signal.aborted)
    throw new TransientError(`command ${label} was cancelled (${cancelReason(ctx.signal)}) before it started`, {
      type: FailureType.CommandCancelled,
    });

  const childEnv = childEnvironment({
    workerEnv: process.env,
    env,
    envFromWorker: input.envFromWorker ?? [],
    ctx,
    workDir: l.dir,
    tmpDir: l.tmp,
    outputFile: l.result,
  });
  const [outFh, errFh] = await Promise.all([open(l.stdout, 'w', 0o600), open(l.stderr, 'w', 0o600)]);
  let spawned: Awaited<ReturnType<typeof spawnGroup>>;
  try {
    spawned = await spawnGroup({ command, args, cwd, env: childEnv, stdoutFd: outFh.fd, stderrFd: errFh.fd });
  } finally {
    // The child holds its own copies of the descriptors.
    await Promise.all([outFh.close(), errFh.close()]);
  }
  if (!spawned.ok) {
    const e = spawned.error;
    if (e.code === 'ENOENT') {
      const where = command.includes('/') ? `no such file (resolved against cwd ${cwd})` : `not found on PATH (${childEnv['PATH']})`;
      throw new ConfigError(`command ${label} ${where}; if it is a script, check that its #! interpreter exists`, {
        type: FailureType.CommandNotFound,
      });
    }
    if (e.code === 'EACCES')
      throw new ConfigError(`command ${label} is not executable (permission denied); chmod +x it or run it through its interpreter`, {
        type: FailureType.CommandNotExecutable,
      });
    throw new TransientError(`could not start command ${label}: ${e.message}`, { type: FailureType.CommandSpawnFailed });
  }
  const proc = spawned.proc;
  pid = proc.pid;
  spawnedAt = Date.now();
  phase = 'running';
  ctx.log.info('command started', { command, args: args.length, pid, cwd });
  beat();
  let sup: Supervised;
  try {
    sup = await supervise(proc, {
      ...(input.timeoutSeconds !== undefined && { timeoutMs: input.timeoutSeconds * 1000 }),
      graceMs,
      signal: ctx.signal,
      tickMs: (input.heartbeatSeconds ?? 1) * 1000,
      onTick: beat,
    });
  } catch (err) {
    // Whatever went wrong in here, the process must not outlive the task.
    await stopGroup(proc, graceMs).catch(() => undefined);
    throw err;
  }
  const ranMs = Date.now() - spawnedAt;
  if (sup.strays > 0)
    ctx.log.warn('command left processes running in its group after it exited; they were stopped', { pid, strays: sup.strays });
  ctx.log.info('command ended', { pid, exitCode: sup.exit.code, signal: sup.exit.signal, stoppedBy: sup.stoppedBy, ms: ranMs });

  phase = 'uploading';
  const failed = sup.stoppedBy !== undefined || sup.exit.code !== 0;
  if (failed) {
    const end = describeEnd(label, sup, graceMs, ranMs, cancelReason(ctx.signal));
    const tail = await tailLines(l.stderr, STDERR_TAIL_LINES, secrets);
    // The logs are what explains a failure: upload them even after a cancellation, briefly.
    const logSignal = sup.stoppedBy === 'cancel' ? AbortSignal.timeout(LOG_UPLOAD_AFTER_CANCEL_MS) : ctx.signal;
    let logs: { stdout: ArtifactRef; stderr: ArtifactRef } | undefined;
    let logNote: string;
    try {
      logs = await uploadLogs(store, ctx, l, secrets, logSignal);
      logNote = ` (full stderr: ${logs.stderr.uri})`;
    } catch (err) {
      logNote = ` (the logs could not be uploaded: ${err instanceof Error ? err.message : String(err)})`;
      ctx.log.warn('command logs not uploaded', { error: logNote });
    }
    const tailText =
      tail.length > 0 ? `; last ${tail.length} line(s) of stderr${logNote}:\n${tail.join('\n')}` : `; stderr was empty${logNote}`;
    const type = sup.stoppedBy === 'timeout' ? 'CommandTimedOut' : sup.stoppedBy === 'cancel' ? 'CommandCancelled' : 'CommandFailed';
    // Retryable: a flaky script or a transient resource may succeed on the next attempt (per the DAG's retry policy).
    throw ApplicationFailure.create({
      message: `${end}${tailText}`,
      type,
      nonRetryable: false,
      details: [
        {
          exitCode: sup.exit.code,
          signal: sup.exit.signal,
          ...(sup.stoppedBy && { stoppedBy: sup.stoppedBy }),
          ...(logs && { stdout: logs.stdout, stderr: logs.stderr }),
        },
      ],
    });
  }

  const logs = await uploadLogs(store, ctx, l, secrets, ctx.signal);
  await checkOutputs(outputs);
  const result = await readResult(l.result, secrets);
  const uploaded = await uploadOutputs(store, (file) => runKey(store, ctx, `outputs/<task>/${file}`), outputs, {
    signal: ctx.signal,
    onProgress: (bytes) => ctx.heartbeat({ phase, bytes }),
  });
  return {
    exitCode: 0,
    durationMs: ranMs,
    stdout: logs.stdout,
    stderr: logs.stderr,
    outputs: uploaded,
    ...(result !== undefined && { result }),
  };
}

/** The activity, bound to an artifact store. */
export function runCommandActivity(store: StoreProvider) {
  return async (raw: CommandInput, ctx: TaskContext): Promise<CommandOutput> => {
    const input = validateCommandInput(raw);
    const dir = await mkdtemp(join(tmpdir(), 'tideflow-cmd-'));
    try {
      return await execute(store(ctx), input, ctx, await makeLayout(dir));
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  };
}
