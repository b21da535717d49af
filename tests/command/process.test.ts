/**
 * Process groups on real processes (no Temporal): timeout and cancellation stop the whole group
 * (SIGTERM, then SIGKILL for what ignores it), leftovers of a finished command are stopped, and a
 * missing executable is reported, not thrown.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, spawnGroup, supervise, type GroupProcess } from '../../activities/command/process';

const SLEEPER = join(__dirname, 'fixtures', 'sleeper.py');
const dir = mkdtempSync(join(tmpdir(), 'tideflow-proc-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(args: string[]): Promise<{ proc: GroupProcess; pids: () => Promise<{ pid: number; grandchild: number }> }> {
  const pidfile = join(dir, `pids-${++n}.json`);
  const out = openSync(join(dir, `out-${n}.txt`), 'w');
  const spawned = await spawnGroup({
    command: 'python3',
    args: [SLEEPER, '--pidfile', pidfile, ...args],
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/' },
    stdoutFd: out,
    stderrFd: out,
  });
  closeSync(out);
  if (!spawned.ok) throw spawned.error;
  return {
    proc: spawned.proc,
    async pids() {
      while (!existsSync(pidfile)) await sleep(20);
      return JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number; grandchild: number };
    },
  };
}

const quiet = { tickMs: 1000, onTick: () => undefined };

describe('process groups', () => {
  it('times out: SIGTERM, then SIGKILL for a process that ignores it, and the grandchild dies too', async () => {
    const { proc, pids } = await start(['--seconds', '60', '--grandchild', '--ignore-term']);
    const p = await pids();
    expect(isAlive(p.pid) && isAlive(p.grandchild)).toBe(true);
    const r = await supervise(proc, { ...quiet, timeoutMs: 300, graceMs: 500, signal: new AbortController().signal });
    expect(r.stoppedBy).toBe('timeout');
    expect(r.stop?.killed).toBe(true);
    expect(r.exit.signal).toBe('SIGKILL');
    expect(isAlive(p.pid)).toBe(false);
    expect(isAlive(p.grandchild)).toBe(false);
  });

  it('is cancelled through the abort signal; SIGTERM is enough for a well-behaved process', async () => {
    const { proc, pids } = await start(['--seconds', '60', '--grandchild']);
    const p = await pids();
    const ac = new AbortController();
    const running = supervise(proc, { ...quiet, graceMs: 5000, signal: ac.signal });
    ac.abort(new Error('CANCELLED'));
    const r = await running;
    expect(r.stoppedBy).toBe('cancel');
    expect(r.stop?.killed).toBe(false);
    expect(r.exit.signal).toBe('SIGTERM');
    expect(isAlive(p.pid)).toBe(false);
    expect(isAlive(p.grandchild)).toBe(false);
  });

  it('stops what a command left running in its group after it exited 0', async () => {
    const { proc, pids } = await start(['--seconds', '60', '--grandchild', '--exit-early']);
    const p = await pids();
    const r = await supervise(proc, { ...quiet, graceMs: 2000, signal: new AbortController().signal });
    expect(r.exit.code).toBe(0);
    expect(r.stoppedBy).toBeUndefined();
    expect(r.strays).toBe(1);
    expect(isAlive(p.grandchild)).toBe(false);
  });

  it('ticks while the process runs', async () => {
    const { proc } = await start(['--seconds', '1']);
    let ticks = 0;
    const r = await supervise(proc, { tickMs: 100, onTick: () => void ticks++, graceMs: 1000, signal: new AbortController().signal });
    expect(r.exit.code).toBe(0);
    expect(ticks).toBeGreaterThan(2);
  });

  it('reports a missing executable as ENOENT', async () => {
    const r = await spawnGroup({
      command: 'tideflow-no-such-command',
      args: [],
      cwd: dir,
      env: { PATH: '/usr/bin:/bin' },
      stdoutFd: 1,
      stderrFd: 2,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('ENOENT');
  });
});
