/**
 * `npm start` (infra/start.ts) as a user runs it, on free ports in a temp dir: every child is
 * supervised — a MinIO killed with SIGKILL comes back on its own (issue 14.4) — and the namespace
 * keeps closed runs for the configured retention instead of the dev server's 24 h (issue 14.5).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startNpmStart, type NpmStart } from '../../bench/npm-start';
import { waitFor } from '../backfill/helpers';

let stack: NpmStart | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tideflow-npm-start-'));
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const live = async (port: number): Promise<true | undefined> =>
  (await fetch(`http://127.0.0.1:${port}/minio/health/live`).catch(() => undefined))?.ok ? true : undefined;

describe('npm start', () => {
  it('restarts a killed MinIO and sets a 30-day retention', async () => {
    stack = await startNpmStart({ dataDir: dir, taskQueue: 'npm-start-test', timeoutMs: 90_000 });
    const { temporal, minio } = stack.ports;
    const output = stack.output;

    const conn = await Connection.connect({ address: `127.0.0.1:${temporal}` });
    try {
      const ns = await conn.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);
    } finally {
      await conn.close();
    }

    // The banner names the Temporal CLI by its full path (it is not on PATH), and that command works (issue 14 friction).
    const cli = /^ {2}Temporal CLI {4}(\S+) /m.exec(output())?.[1];
    expect(cli, output()).toMatch(/^\/.+\/temporal$/);
    const described = execFileSync(cli as string, ['operator', 'namespace', 'describe', '--namespace', 'default', '--output', 'json'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TEMPORAL_ADDRESS: `127.0.0.1:${temporal}` },
    });
    expect(JSON.parse(described)).toMatchObject({ namespaceInfo: { name: 'default' } });
    expect(output()).not.toMatch(/^\s*temporal (workflow|operator|schedule|batch|activity)\b/m);

    expect(await live(minio)).toBe(true);
    const pid = execFileSync('pgrep', ['-f', `minio server ${join(dir, 'minio')}`], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    process.kill(Number(pid), 'SIGKILL');
    await waitFor('MinIO down', async () => ((await live(minio)) ? undefined : true), 10_000);
    await waitFor('MinIO back', () => live(minio), 30_000);
    await waitFor('the restart logged', async () => (/MinIO restarted/.test(output()) ? true : undefined), 10_000);
    expect(output()).toMatch(/MinIO .*; restarting in 1 s/);
  }, 150_000);
});
