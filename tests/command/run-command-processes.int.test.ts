/**
 * runCommand's processes on the real servers: its own timeout and the workflow's cancellation
 * kill the whole process group (grandchildren included), leftovers of a successful command are
 * stopped, heartbeats carry progress, and worker secrets are masked everywhere they could show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../activities/command/process';
import { startDagRun, waitForRun } from '../../client/runs';
import type { RunView } from '../../core/run-view';
import { runToEnd, taskOf } from '../integration/harness';
import { commandOnce } from './dags';
import { decodedHistory, FIX, outputOf, readObject, SECRET, SECRET_NAME, useCommandWorker, waitForFile } from './helpers';

const { h, scratch } = useCommandWorker('command-processes');

describe('runCommand on real servers', () => {
  it('kills the whole process group on its own timeout: SIGTERM, then SIGKILL, grandchild included', async () => {
    const pidfile = join(scratch, 'timeout.json');
    const started = runToEnd(h, commandOnce, {
      spec: {
        command: 'python3',
        args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '120', '--grandchild', '--ignore-term'],
        timeoutSeconds: 2,
        killGraceSeconds: 1,
      },
    });
    const pids = await waitForFile(pidfile);
    expect(isAlive(pids.pid)).toBe(true);
    expect(isAlive(pids.grandchild)).toBe(true);
    const { view } = await started;
    // The task fails only once the group is gone: no polling needed.
    expect(isAlive(pids.pid)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
    const t = taskOf(view, 'run');
    expect(t.state).toBe('failed');
    expect(t.error).toMatch(
      /^CommandTimedOut: command "python3" timed out after [\d.]+ s: sent SIGTERM to its process group, then SIGKILL after the 1\.0 s grace period; last \d+ line\(s\) of stderr/,
    );
    expect(t.error).toMatch(/step \d+ of 480/);
  });

  it('kills the process group when the workflow is cancelled', async () => {
    const pidfile = join(scratch, 'cancel.json');
    const handle = await startDagRun(h.client, commandOnce, {
      taskQueue: h.taskQueue,
      params: { spec: { command: 'python3', args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '120', '--grandchild'] } },
    });
    const pids = await waitForFile(pidfile);
    expect(isAlive(pids.pid) && isAlive(pids.grandchild)).toBe(true);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    // Cancellation reaches the activity with its next heartbeat: wait for it (bounded), then check.
    for (let i = 0; i < 600 && (isAlive(pids.pid) || isAlive(pids.grandchild)); i++) await sleep(50);
    expect(isAlive(pids.pid)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('stops processes a successful command left behind in its group', async () => {
    const pidfile = join(scratch, 'orphan.json');
    const { view } = await runToEnd(h, commandOnce, {
      spec: { command: 'python3', args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '1', '--grandchild', '--exit-early'] },
    });
    expect(view.status).toBe('success');
    const pids = JSON.parse(readFileSync(pidfile, 'utf8')) as { grandchild: number };
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('heartbeats with progress, so a run longer than its heartbeatTimeout succeeds', async () => {
    const pidfile = join(scratch, 'heartbeat.json');
    // heartbeatTimeout is 2 s; the script runs 6 s.
    const handle = await startDagRun(h.client, commandOnce, {
      taskQueue: h.taskQueue,
      params: { spec: { command: 'python3', args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '6'] } },
    });
    let seen: { phase?: string; lastStderrLine?: string; stderrBytes?: number; pid?: number } | undefined;
    for (let i = 0; i < 200 && !seen?.lastStderrLine; i++) {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const payload = pending[0]?.heartbeatDetails?.payloads?.[0];
      if (payload) seen = defaultPayloadConverter.fromPayload(payload);
      await sleep(100);
    }
    const { view } = await waitForRun(handle).then((o) => ({ view: o.view as RunView }));
    expect(view.status).toBe('success');
    expect(taskOf(view, 'run').attempts).toBe(1);
    expect(seen?.phase).toBe('running');
    expect(seen?.lastStderrLine).toMatch(/^step \d+ of 24$/);
    expect(seen?.stderrBytes).toBeGreaterThan(0);
    expect(seen?.pid).toBe((JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number }).pid);
  });

  it('masks worker secrets in the logs, the result, the failure message and the history', async () => {
    const ok = await runToEnd(h, commandOnce, {
      spec: { command: 'python3', args: [`${FIX}/leak_secret.py`, SECRET_NAME, '0'], envFromWorker: [SECRET_NAME] },
    });
    expect(ok.view.status).toBe('success');
    const out = outputOf(ok.view);
    expect((await readObject(h, out.stdout.uri)).toString()).toBe('token=***\nagain:***\n');
    expect((await readObject(h, out.stderr.uri)).toString()).toBe('connecting with *** ...\nok\n');
    expect(out.result).toEqual({ echo: '***', length: SECRET.length });

    const failed = await runToEnd(h, commandOnce, {
      spec: { command: 'python3', args: [`${FIX}/leak_secret.py`, SECRET_NAME, '1'], envFromWorker: [SECRET_NAME] },
    });
    const t = taskOf(failed.view, 'run');
    expect(t.error).toContain('connecting with *** ...');
    const stderr = `s3://${h.store.bucket}/${h.store.prefix}runs/t_command/${failed.workflowId}/logs/run/attempt-1/stderr.txt`;
    expect((await readObject(h, stderr)).toString()).toBe('connecting with *** ...\nfailing now\n');
    for (const workflowId of [ok.workflowId, failed.workflowId]) {
      const history = decodedHistory(await h.client.workflow.getHandle(workflowId).fetchHistory());
      expect(history).toContain(SECRET_NAME);
      expect(history).not.toContain(SECRET);
    }
  });
});
