/**
 * `tideflow deploy` as a person runs it: the real launcher (node bin/tideflow.js) as a child process
 * against the test stack's Temporal and MinIO, a worker running the rollout workflow, and a real
 * prediction server answering HTTP clients whose traffic the rollout moves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifact } from '../../ml/predict';
import { getAlias, promoteVersion } from '../../registry';
import { useHarnessWithWorker } from '../integration/harness';
import { trainModel, useServer } from '../serve/helpers';
import { drive, registerModel, waitForRolloutStatus } from '../serve/rollout-helpers';
import { runCliProcess } from './helpers';

const h = useHarnessWithWorker('deploy-cli');
const serving = useServer(h, { pollMs: 200 });
let a1: ModelArtifact;
let a2: ModelArtifact;

beforeAll(async () => {
  a1 = await trainModel('base', 'logistic_regression', { C: 0.1 });
  a2 = await trainModel('base', 'logistic_regression', { C: 1 });
}, 180_000);

const cli = (...args: string[]) => runCliProcess(args, h.env, 90_000);

describe('tideflow deploy', () => {
  it('starts a canary, refuses a second rollout naming the running one, shows status, and promotes', async () => {
    const name = await registerModel(h.store, 'cli-canary', [a1, a2]);
    const traffic = drive(serving.url, name);
    const started = await cli(
      'deploy',
      name,
      ...'--version 2 --strategy canary --steps 50,100 --bake 3s --check-every 0.5s --min-requests 5'.split(' '),
    );
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`Started a canary rollout of ${name} version 2 (workflow tideflow-rollout__${name})`);

    const again = await cli('deploy', name, '--version', '2', '--strategy', 'blue-green');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(
        `error: a rollout of ${name} is already running \\(tideflow-rollout__${name}\\).*\\(the running one: canary of v2 over v1, (running|paused), step \\d of 2 at \\d+%\\)`,
      ),
    );

    const status = await cli('deploy', 'status', name);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`Rollout: +canary of ${name}@champion: v1 → v2, running`));
    expect(status.stdout).toMatch(/Weights: +(\[50%\] → 100%|50% → \[100%\])/);
    expect(status.stdout).toMatch(/Guards: +error rate ≤ stable \+ 2\.00%, p95 ≤ 1000 ms, p99 ≤ 2000 ms/);
    expect(status.stdout).toMatch(/Decisions:\n .*running +step 0 +50% +canary rollout of version 2: v1 → v2, step 0 at 50%/);

    await waitForRolloutStatus(h.store, name, 'promoted', 60_000);
    await traffic.stop();
    const done = await cli('deploy', 'status', name);
    expect(done.stdout).toMatch(/Rollout: +canary of .*: v1 → v2, promoted/);
    expect(done.stdout).toMatch(/Outcome: +every step passed its guards/);
    expect(done.stdout).toMatch(/promoted +step 1 +100%/);
    expect((await getAlias(h.store, name, 'champion'))?.version).toBe(2);
    const json = JSON.parse((await cli('deploy', 'status', name, '--json')).stdout) as { state: { status: string; history: unknown[] } };
    expect(json.state).toMatchObject({ status: 'promoted' });
    expect(json.state.history).toHaveLength(3);
  }, 120_000);

  it('pause, resume and abort steer the running rollout; abort puts traffic back, the reason recorded', async () => {
    const name = await registerModel(h.store, 'cli-steer', [a1, a2]);
    expect((await cli('deploy', name, '--version', '2', '--bake', '30s', '--min-requests', '0')).code).toBe(0);
    expect((await cli('deploy', 'pause', name)).stdout).toContain(`Sent pause to the rollout of ${name}`);
    await waitForRolloutStatus(h.store, name, 'paused');
    expect((await cli('deploy', 'status', name)).stdout).toMatch(/Rollout: +canary of .*, paused/);
    expect((await cli('deploy', 'resume', name)).code).toBe(0);
    await waitForRolloutStatus(h.store, name, 'running');
    expect((await cli('deploy', 'abort', name, '--reason', 'wrong candidate')).code).toBe(0);
    await waitForRolloutStatus(h.store, name, 'aborted');
    const status = await cli('deploy', 'status', name);
    expect(status.stdout).toMatch(/Outcome: +wrong candidate/);
    expect(status.stdout).toMatch(/aborted +step 0 +0% +wrong candidate/);
    expect((await getAlias(h.store, name, 'champion'))?.version).toBe(1);
    const late = await cli('deploy', 'resume', name);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/the last rollout of .* is completed: nothing to resume/);
  }, 120_000);

  it('--alias picks the candidate, --wait follows to the end (exit 0 when promoted); bad input names the problem', async () => {
    const name = await registerModel(h.store, 'cli-wait', [a1, a2]);
    await promoteVersion(h.store, { name, alias: 'challenger', version: 2, actor: 'test', reason: 'candidate' });
    const traffic = drive(serving.url, name);
    const r = await cli(
      'deploy',
      name,
      ...'--alias challenger --strategy blue-green --bake 1s --check-every 0.5s --min-requests 3 --wait'.split(' '),
    );
    await traffic.stop();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Rollout of ${name} version 2: promoted: every step passed its guards`));

    const noAlias = await cli('deploy', name, '--alias', 'nope');
    expect(noAlias.code).toBe(1);
    expect(noAlias.stderr).toContain(`model ${name} has no alias 'nope'`);
    // A version or model the registry does not have is refused before any rollout starts (hostile census).
    const rollout = (model: string) => h.client.workflow.getHandle(`tideflow-rollout__${model}`).describe();
    const lastRun = (await rollout(name)).runId;
    const noVersion = await cli('deploy', name, '--version', '99');
    expect([noVersion.code, noVersion.stderr]).toEqual([1, expect.stringContaining(`model ${name} has no version 99: nothing to deploy`)]);
    const noModel = await cli('deploy', `${name}-missing`, '--version', '1');
    expect([noModel.code, noModel.stderr]).toEqual([1, expect.stringContaining(`model ${name}-missing has no version 1`)]);
    expect((await rollout(name)).runId).toBe(lastRun);
    await expect(rollout(`${name}-missing`)).rejects.toThrow(/not found/i);
    const noRollout = await cli('deploy', 'pause', `${name}-none`);
    expect(noRollout.code).toBe(1);
    expect(noRollout.stderr).toContain(`no rollout of ${name}-none has been started`);
  }, 120_000);
});
