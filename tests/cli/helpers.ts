/** Helpers for CLI tests: an in-memory Io, and running the real launcher as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Io } from '../../cli/io';
import type { RunView } from '../../core/run-view';

export const ROOT = join(__dirname, '..', '..');
export const LAUNCHER = join(ROOT, 'bin', 'tideflow.js');

/** A run view as the engine's state query returns it (a running manual run of 'demo'), with overrides. */
export function fakeRunView(extra: Partial<RunView> = {}): RunView {
  return {
    dagId: 'demo',
    workflowId: 'wf-1',
    runId: 'run-1',
    trigger: 'manual',
    logicalDate: '2024-01-01T00:00:00.000Z',
    ds: '2024-01-01',
    dataIntervalStart: '2023-12-31T00:00:00.000Z',
    dataIntervalEnd: '2024-01-01T00:00:00.000Z',
    params: {},
    startedAt: '2024-01-01T00:00:00.000Z',
    status: 'running',
    tasks: [],
    ...extra,
  };
}

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
}

export function captureIo(env: NodeJS.ProcessEnv = {}, isTTY = false): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t) => void (out += t), isTTY },
    stderr: { write: (t) => void (err += t), isTTY },
    env,
    color: false,
    out: () => out,
    err: () => err,
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Run `node bin/tideflow.js ...args` with exactly `env` (plus PATH/HOME), so a developer's own
 * TEMPORAL_* or AWS_* variables never leak into a test. Killed after `timeoutMs`.
 */
export function runCliProcess(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return startCliProcess(args, env, timeoutMs).done;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves once stdout or stderr so far contains `text`. */
  waitForOutput(text: string): Promise<void>;
  done: Promise<CliResult>;
}

/** Like runCliProcess, but hands back the child while it runs (to signal it mid-way). */
export function startCliProcess(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): RunningCli {
  const started = Date.now();
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (): void => {
    for (const w of [...waiters]) {
      if (!(stdout + stderr).includes(w.text)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    onData();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    onData();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return {
    child,
    done,
    waitForOutput: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        onData();
        void done.then((r) => reject(new Error(`CLI exited (${r.code}) before printing '${text}':\n${r.stdout}\n${r.stderr}`)));
      }),
  };
}

/** An address nothing listens on: a command that tried to connect would fail with exit 1. */
export const UNREACHABLE_ENV = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
