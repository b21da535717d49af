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
import { dirname, join } from 'node:path';
import { FailureType, TransientError } from '../../core/errors';
import type { TaskContext } from '../context';
import type { ArtifactStore, StoreProvider } from '../ml/store';
import { maskText, readTail, secretsToMask } from './capture';
import { checkOutputs, readResult, uploadOutputs } from './collect';
import { childEnvironment, workerSecrets } from './env';
import { cancelReason, commandFailure, spawnFailure } from './failure';
import { prepareCommand } from './prepare';
import { spawnGroup, stopGroup, supervise, type Supervised } from './process';
import { downloadInput } from './staging';
import type { CommandInput, CommandOutput, CommandProgress } from './types';
import { checkAllowed, validateCommandInput } from './validate';
import { makeLayout, runKey, uploadLogs, type Layout } from './workdir';

const short = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}…` : s);

async function execute(store: ArtifactStore, input: CommandInput, ctx: TaskContext, l: Layout): Promise<CommandOutput> {
  const secretValues = workerSecrets(process.env, input.envFromWorker ?? []);
  const secrets = secretsToMask(Object.values(secretValues));

  const { command, args, env, cwd, inputPaths, outputs } = await prepareCommand(input, ctx, l);
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
  if (!spawned.ok) throw spawnFailure(spawned.error, label, command, cwd, childEnv['PATH']);
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
  if (failed) throw await commandFailure({ store, ctx, l, secrets, sup, label, graceMs, ranMs });

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
