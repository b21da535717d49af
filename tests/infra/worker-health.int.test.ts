/**
 * docker-compose's worker healthcheck (infra/docker/worker-health.ts) against the real Temporal
 * server: healthy while a worker of this host polls the task queue, unhealthy (exit 1, naming
 * the queue) when none does.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { useHarnessWithWorker } from '../integration/harness';

const ROOT = join(__dirname, '..', '..');
const h = useHarnessWithWorker('worker-health');

function health(taskQueue: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'infra', 'docker', 'worker-health.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...h.env, TIDEFLOW_TASK_QUEUE: taskQueue },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

it('is healthy while this host polls the queue, and says which queue has no poller otherwise', async () => {
  let ok = health(h.taskQueue);
  for (let i = 0; i < 20 && ok.status !== 0; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ok = health(h.taskQueue);
  }
  expect(ok.status, ok.stderr).toBe(0);
  const none = health(`${h.taskQueue}-nobody`);
  expect(none.status).toBe(1);
  expect(none.stderr).toContain(`on task queue '${h.taskQueue}-nobody'`);
}, 120_000);
