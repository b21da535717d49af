/**
 * Spawn a command in its own process group and stop the whole group.
 *
 * The child is spawned `detached`, which makes it the leader of a new process group: stopping
 * the task signals `-pgid`, so grandchildren (a shell's `sleep`, a training script's data
 * loaders) die with it. SIGTERM first, SIGKILL after a grace period. When the leader exits on its
 * own, anything it left running in its group is stopped the same way: no task leaves orphans.
 * A process that leaves its group on purpose (setsid, double fork into a new session) escapes
 * this; so does everything if the worker itself is SIGKILLed (see docs/command-step.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Open file descriptors the child writes its stdout / stderr to. */
  stdoutFd: number;
  stderrFd: number;
}

export interface GroupProcess {
  pid: number;
  child: ChildProcess;
  exited: Promise<Exit>;
  hasExited(): boolean;
}

// Groups still running, killed if this worker process exits (a normal exit or process.exit()).
const live = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number): void {
  live.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const g of live) signalGroup(g, 'SIGKILL');
  });
}

/** Signal every process of a group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** `(state, pgrp)` of a process from /proc, or undefined when it is gone. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

const HAS_PROC = (() => {
  try {
    return procStat(process.pid) !== undefined;
  } catch {
    return false;
  }
})();

/** True when the process exists and is not a zombie (a zombie holds no resources, only an exit status). */
export function isAlive(pid: number): boolean {
  if (HAS_PROC) {
    const s = procStat(pid);
    return s !== undefined && s.state !== 'Z' && s.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live (non-zombie) members of a process group. Without /proc, kill(-pgid, 0) answers (zombies included). */
export function groupMembers(pgid: number): number[] {
  if (!HAS_PROC) return signalGroup(pgid, 0) ? [pgid] : [];
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.pgrp === pgid && s.state !== 'Z' && s.state !== 'X') members.push(Number(name));
  }
  return members;
}

/** Start the command as the leader of a new process group; an error such as ENOENT is returned, not thrown. */
export function spawnGroup(spec: SpawnSpec): Promise<{ ok: true; proc: GroupProcess } | { ok: false; error: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ['ignore', spec.stdoutFd, spec.stderrFd],
        shell: false,
        windowsHide: true,
      });
    } catch (err) {
      // Synchronous failures: invalid argument types, NUL bytes in argv.
      resolve({ ok: false, error: err as NodeJS.ErrnoException });
      return;
    }
    let exited = false;
    const exitPromise = new Promise<Exit>((res) =>
      child.once('exit', (code, signal) => {
        exited = true;
        res({ code, signal });
      }),
    );
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ ok: false, error });
    });
    child.once('spawn', () => {
      const pid = child.pid as number;
      trackGroup(pid);
      void exitPromise.then(() => {
        if (groupMembers(pid).length === 0) live.delete(pid);
      });
      resolve({ ok: true, proc: { pid, child, exited: exitPromise, hasExited: () => exited } });
    });
  });
}

/** Wait until the group has no live member (and the leader has exited), or the deadline passes. */
async function waitGroupGone(proc: GroupProcess, deadline: number): Promise<boolean> {
  for (;;) {
    if (proc.hasExited() && groupMembers(proc.pid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await Promise.race([proc.exited, sleep(50)]);
  }
}

export interface StopReport {
  /** SIGKILL was needed: the group outlived the grace period after SIGTERM. */
  killed: boolean;
  /** Members left in the group when the stop began (leader included when it was still running). */
  members: number;
}

/** SIGTERM the whole group, SIGKILL it after `graceMs` if anything survives; resolves once the leader has exited. */
export async function stopGroup(proc: GroupProcess, graceMs: number): Promise<StopReport> {
  const members = groupMembers(proc.pid).length;
  if (members === 0 && proc.hasExited()) {
    live.delete(proc.pid);
    return { killed: false, members: 0 };
  }
  signalGroup(proc.pid, 'SIGTERM');
  let killed = false;
  if (!(await waitGroupGone(proc, Date.now() + graceMs))) {
    killed = true;
    signalGroup(proc.pid, 'SIGKILL');
    // SIGKILL cannot be ignored: only the kernel's teardown time remains.
    await waitGroupGone(proc, Date.now() + 10_000);
  }
  await proc.exited;
  live.delete(proc.pid);
  return { killed, members };
}

export interface SuperviseOptions {
  /** Stop the group after this long; undefined = no own timeout. */
  timeoutMs?: number;
  graceMs: number;
  /** Aborted when Temporal cancels the task (or the worker shuts down). */
  signal: AbortSignal;
  tickMs: number;
  /** Called every tickMs while the process runs (heartbeats). */
  onTick(): void;
}

export interface Supervised {
  exit: Exit;
  /** Why Tideflow stopped the process, if it did. */
  stoppedBy?: 'timeout' | 'cancel';
  stop?: StopReport;
  /** Processes the command left running in its group after it exited, which were then stopped. */
  strays: number;
}

/** Run the process to its end, stopping its group on timeout or cancellation, and reaping leftovers. */
export async function supervise(proc: GroupProcess, o: SuperviseOptions): Promise<Supervised> {
  const tick = setInterval(() => {
    try {
      o.onTick();
    } catch {
      // A failed heartbeat must not kill the supervisor; cancellation arrives through the signal.
    }
  }, o.tickMs);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const stopRequest = new Promise<'timeout' | 'cancel'>((resolve) => {
      if (o.timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), o.timeoutMs);
      onAbort = () => resolve('cancel');
      if (o.signal.aborted) onAbort();
      else o.signal.addEventListener('abort', onAbort, { once: true });
    });
    const first = await Promise.race([proc.exited.then(() => 'exit' as const), stopRequest]);
    if (first !== 'exit') {
      const stop = await stopGroup(proc, o.graceMs);
      return { exit: await proc.exited, stoppedBy: first, stop, strays: 0 };
    }
    const exit = await proc.exited;
    const left = groupMembers(proc.pid).length;
    if (left > 0) await stopGroup(proc, o.graceMs);
    return { exit, strays: left };
  } finally {
    clearInterval(tick);
    if (timer) clearTimeout(timer);
    if (onAbort) o.signal.removeEventListener('abort', onAbort);
  }
}
