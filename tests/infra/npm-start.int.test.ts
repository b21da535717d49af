/**
 * `npm start` (infra/start.ts) as a user runs it, on free ports in a temp dir: every child is
 * supervised — a MinIO killed with SIGKILL comes back on its own (issue 14.4) — and the namespace
 * keeps closed runs for the configured retention instead of the dev server's 24 h (issue 14.5).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../infra/stack';
import { waitFor } from '../backfill/helpers';

const ROOT = join(__dirname, '..', '..');
let child: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tideflow-npm-start-'));
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGINT');
    await new Promise((r) => child?.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

const live = async (port: number): Promise<true | undefined> =>
  (await fetch(`http://127.0.0.1:${port}/minio/health/live`).catch(() => undefined))?.ok ? true : undefined;

describe('npm start', () => {
  it('restarts a killed MinIO and sets a 30-day retention', async () => {
    const ports: number[] = [];
    while (ports.length < 7) {
      const p = await findFreePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const [temporal, ui, minio, consolePort, alerts, serve] = ports as [number, number, number, number, number, number];
    let output = '';
    child = spawn(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'infra', 'start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TIDEFLOW_DATA_DIR: dir,
        TIDEFLOW_TEMPORAL_PORT: String(temporal),
        TIDEFLOW_UI_PORT: String(ui),
        TIDEFLOW_MINIO_PORT: String(minio),
        TIDEFLOW_MINIO_CONSOLE_PORT: String(consolePort),
        TIDEFLOW_ALERT_PORT: String(alerts),
        TIDEFLOW_SERVE_PORT: String(serve),
        TIDEFLOW_TASK_QUEUE: 'npm-start-test',
        TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
        AWS_ENDPOINT_URL_S3: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor('the running banner', async () => (output.includes('Tideflow is running') ? true : undefined), 90_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${output.slice(-3000)}`);
    });

    const conn = await Connection.connect({ address: `127.0.0.1:${temporal}` });
    try {
      const ns = await conn.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);
    } finally {
      await conn.close();
    }

    // The banner names the Temporal CLI by its full path (it is not on PATH), and that command works (issue 14 friction).
    const cli = /^ {2}Temporal CLI {4}(\S+) /m.exec(output)?.[1];
    expect(cli, output).toMatch(/^\/.+\/temporal$/);
    const described = execFileSync(cli as string, ['operator', 'namespace', 'describe', '--namespace', 'default', '--output', 'json'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TEMPORAL_ADDRESS: `127.0.0.1:${temporal}` },
    });
    expect(JSON.parse(described)).toMatchObject({ namespaceInfo: { name: 'default' } });
    expect(output).not.toMatch(/^\s*temporal (workflow|operator|schedule|batch|activity)\b/m);

    expect(await live(minio)).toBe(true);
    const pid = execFileSync('pgrep', ['-f', `minio server ${join(dir, 'minio')}`], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    process.kill(Number(pid), 'SIGKILL');
    await waitFor('MinIO down', async () => ((await live(minio)) ? undefined : true), 10_000);
    await waitFor('MinIO back', () => live(minio), 30_000);
    await waitFor('the restart logged', async () => (/MinIO restarted/.test(output) ? true : undefined), 10_000);
    expect(output).toMatch(/MinIO .*; restarting in 1 s/);
  }, 150_000);
});
