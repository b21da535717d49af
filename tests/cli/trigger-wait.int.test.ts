/**
 * The CLI against a real Temporal + MinIO (tests/setup/global-setup.ts) and a real worker
 * process (workers/main.ts) on a task queue of its own: trigger --wait, runs show, Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunView } from '../../core/run-view';
import { ROOT, runCliProcess, startCliProcess } from './helpers';

const taskQueue = `cli-${Math.random().toString(36).slice(2, 8)}`;
let env: Record<string, string> = {};
let worker: ChildProcess | undefined;
let workerLog = '';
const logDir = mkdtempSync(join(tmpdir(), 'worker-logs-'));

/** The real worker entry point, in its own process group so afterAll can stop all of it. */
function startWorker(): Promise<void> {
  worker = spawn('npx', ['tsx', 'workers/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const child = worker;
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      workerLog += d.toString();
      if (workerLog.includes('tideflow worker ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${workerLog}`)));
  });
}

beforeAll(async () => {
  env = { ...inject('stack').env, TIDEFLOW_TASK_QUEUE: taskQueue, TIDEFLOW_LOG_DIR: logDir };
  await startWorker();
}, 120_000);

afterAll(async () => {
  const child = worker;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
});

describe('tideflow with a server and a worker', () => {
  let workflowId = '';

  it('trigger --wait --json succeeds with the final run view', async () => {
    const r = await runCliProcess(
      ['trigger', 'example_etl', '--params', '{"rows": 200}', '--logical-date', '2024-03-01', '--wait', '--json'],
      env,
      90_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as RunView;
    workflowId = view.workflowId;
    expect(view).toMatchObject({ dagId: 'example_etl', status: 'success', ds: '2024-03-01', params: { rows: 200 } });
    const state = (id: string) => view.tasks.find((t) => t.id === id)?.state;
    expect([state('extract'), state('summarize_region'), state('report'), state('done')]).toEqual([
      'success',
      'success',
      'success',
      'success',
    ]);
    // Exactly one side of the branch ran.
    expect([state('revenue_alert'), state('revenue_ok')].sort()).toEqual(['skipped', 'success']);
    // Progress went to stderr, as lines (not a terminal), one per state change.
    expect(r.stderr).toContain(`workflow id:  ${workflowId}`);
    expect(r.stderr).toMatch(/✓ extract\s+success \(1 attempt, [\d.]+s\)/);
    expect(r.stderr).toMatch(/↷ revenue_(alert|ok)\s+skipped \(not chosen by branch 'check_revenue'\)/);
  });

  it('runs show prints the header and task table; --json the view', async () => {
    const r = await runCliProcess(['runs', 'show', workflowId], { ...env, TIDEFLOW_UI_URL: 'http://ui.example:8233/' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^DAG:\s+example_etl$/m);
    expect(r.stdout).toMatch(/^Status:\s+success after /m);
    expect(r.stdout).toMatch(/^Logical date:\s+2024-03-01 00:00:00Z \(ds 2024-03-01\)$/m);
    expect(r.stdout).toMatch(/^summarize_region\s+✓ success\s+1\s+[\d:]+\s+[\d.]+s\s+4\/4 mapped ok$/m);
    expect(r.stdout).toContain(`Web UI: http://ui.example:8233/namespaces/${env.TEMPORAL_NAMESPACE ?? 'default'}/workflows/${workflowId}/`);
    const json = await runCliProcess(['runs', 'show', workflowId, '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ workflowId, status: 'success' });
  });

  it('runs show of an unknown workflow id is a clear error, exit 1', async () => {
    const r = await runCliProcess(['runs', 'show', 'no-such-workflow'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: no run with workflow id 'no-such-workflow'");
  });

  it('trigger --wait prints progress lines when piped; a short-circuit skips the rest', async () => {
    const r = await runCliProcess(['trigger', 'example_etl', '--params', '{"rows": 0}', '--wait'], env, 90_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/↷ regions\s+skipped \(short-circuited by 'has_rows'\)/);
    expect(r.stdout).toMatch(/^TASK\s+STATE\s+ATTEMPTS/m);
    expect(r.stdout).toContain('Run succeeded in');
  });

  it('Ctrl-C stops waiting (exit 130) and says the run continues', async () => {
    // A queue no worker polls: the run cannot finish, so only the interrupt can end the wait.
    const idle = { ...env, TIDEFLOW_TASK_QUEUE: `${taskQueue}-idle` };
    const cli = startCliProcess(['trigger', 'example_etl', '--wait', '--cancel-on-interrupt'], idle, 60_000);
    await cli.waitForOutput('Waiting for it to end');
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupted: cancellation requested');
  });

  it('the worker logs one line per event: JSON lines in TIDEFLOW_LOG_DIR/worker.log, no task tokens', () => {
    const file = join(logDir, 'worker.log');
    expect(existsSync(file)).toBe(true);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    const events = lines.map((l) => JSON.parse(l) as { time: string; level: string; message: string; taskQueue?: string });
    expect(events.every((e) => typeof e.time === 'string' && typeof e.level === 'string')).toBe(true);
    expect(events.some((e) => e.message === 'Worker state changed' && e.taskQueue === taskQueue)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toMatch(/taskToken|task_token/);
    // The terminal: the same events, one line each (no multi-line metadata objects).
    expect(workerLog).not.toMatch(/\{\n\s+sdkComponent/);
    expect(workerLog).toMatch(/INFO {2}Worker state changed .*taskQueue=/);
  });
});
