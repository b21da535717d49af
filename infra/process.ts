/**
 * Child-process supervision shared by the stack (Temporal, MinIO) and `npm start` (the worker):
 * output to a log file, graceful stop with a SIGKILL fallback, and no orphans when we exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly logFile: string;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines this run wrote to its log file (earlier runs are not included). */
  tail(lines?: number): string;
}

export interface StartProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Output is appended here; `null` means inherit the parent's stdout/stderr. */
  logFile: string | null;
  cwd?: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for crashes and process.exit() paths that skip an orderly stop: 'exit' handlers
  // must be synchronous, so SIGKILL is all we can do here.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `failed to start: ${info.error}`;
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

export function startProcess(opts: StartProcessOptions): ManagedProcess {
  installExitHook();
  let startOffset = 0;
  let stdio: ['ignore', number, number] | ['ignore', 'inherit', 'inherit'] = ['ignore', 'inherit', 'inherit'];
  let fd: number | null = null;
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
    // 0600: MinIO prints its root credentials at startup.
    fs.appendFileSync(opts.logFile, `\n=== ${new Date().toISOString()} ${opts.command} ${opts.args.join(' ')}\n`, { mode: 0o600 });
    startOffset = fs.statSync(opts.logFile).size;
    fd = fs.openSync(opts.logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  let spawnError: string | undefined;
  const child = spawn(opts.command, [...opts.args], { env: opts.env, cwd: opts.cwd, stdio });
  if (fd !== null) fs.closeSync(fd); // the child holds its own copy
  live.add(child);

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      live.delete(child);
      spawnError = err.message;
      if (opts.logFile) fs.appendFileSync(opts.logFile, `spawn error: ${err.message}\n`);
      resolve({ code: null, signal: null, error: err.message });
    });
  });

  const running = (): boolean => spawnError === undefined && child.exitCode === null && child.signalCode === null;

  return {
    name: opts.name,
    pid: child.pid,
    logFile: opts.logFile ?? '(inherited stdio)',
    exited,
    running,
    async stop(graceMs = 10_000): Promise<void> {
      if (!running()) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout' && running()) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    tail(lines = 40): string {
      if (!opts.logFile) return '';
      try {
        const text = fs.readFileSync(opts.logFile).subarray(startOffset).toString('utf8');
        return text
          .split('\n')
          .filter((l) => l.length > 0)
          .slice(-lines)
          .join('\n');
      } catch {
        return '';
      }
    },
  };
}

/** A copy of `env` without variables matching `prefixes` (so the parent's settings don't leak into a child). */
export function envWithout(env: NodeJS.ProcessEnv, prefixes: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !prefixes.some((p) => key.startsWith(p))));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
