/** The retraining controller on the real dev server, with short debounce/cooldown. */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { driftStatus, pauseController, signalDrift } from '../../client/drift';
import { controllerWorkflowId, type ControllerOptions, type ControllerStatus, type DriftAlert } from '../../mlops/retrain-policy';
import { TRIGGER_KEY } from '../../core/search-attributes';
import { waitFor } from '../backfill/helpers';
import { useHarnessWithWorker, testWorkflowBundle } from '../integration/harness';

const h = useHarnessWithWorker('drift-controller');

const uniq = (name: string): string => `${name}-${Math.random().toString(36).slice(2, 7)}`;
const alert = (fingerprint: string, reason = 'psi high'): DriftAlert => ({ fingerprint, reason, source: 'test', labels: { model: 'm' } });
const fast = (o: Partial<ControllerOptions> = {}): ControllerOptions => ({
  dagId: 't_backfill',
  debounceSeconds: 0.5,
  cooldownSeconds: 0,
  params: { ms: 100 },
  ...o,
});
const send = (model: string, a: DriftAlert, o: ControllerOptions) =>
  signalDrift(h.client, model, a, { taskQueue: h.taskQueue, controller: o });
const status = async (model: string): Promise<ControllerStatus> => {
  const s = await driftStatus(h.client, model);
  if (!s) throw new Error('no controller');
  return s;
};
const finished = (model: string, n: number) =>
  waitFor(`${n} finished retrains of ${model}`, async () => {
    const s = await status(model);
    return s.history.filter((r) => r.outcome !== 'running').length >= n && !s.running ? s : undefined;
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('retraining controller', () => {
  it('dedupes by fingerprint and debounces a burst into one retrain with trigger=drift and the alerts in its params', async () => {
    const model = uniq('dedupe');
    const o = fast({ debounceSeconds: 1 });
    await send(model, alert('a'), o);
    await send(model, alert('b'), o);
    await send(model, alert('a', 'again'), o);
    const s = await finished(model, 1);
    await sleep(1500);
    const after = await status(model);
    expect(after.history).toHaveLength(1);
    expect(after).toMatchObject({ alertsReceived: 3, duplicates: 1, pending: [] });
    const run = after.history[0];
    expect(run?.outcome).toBe('succeeded');
    expect(run?.alerts.map((a) => a.fingerprint)).toEqual(['a', 'b']);
    expect(s.lastRetrain?.runId).toBe(run?.runId);
    const child = h.client.workflow.getHandle(run?.runId ?? '');
    expect((await child.describe()).typedSearchAttributes.get(TRIGGER_KEY)).toBe('drift');
    const history = await child.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(JSON.stringify(started?.input)).toBeTruthy();
    // Deterministic: the controller's history replays on the current code.
    const ctl = h.client.workflow.getHandle(controllerWorkflowId(model));
    await Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, await ctl.fetchHistory(), controllerWorkflowId(model));
  });

  it('runs one retrain at a time and queues exactly one follow-up for alerts that arrive meanwhile', async () => {
    const model = uniq('followup');
    const o = fast({ debounceSeconds: 0.3, params: { ms: 2500 } });
    await send(model, alert('first'), o);
    await waitFor('retrain running', async () => ((await status(model)).running ? true : undefined));
    await send(model, alert('second'), o);
    await send(model, alert('third'), o);
    const mid = await status(model);
    expect(mid).toMatchObject({ status: 'retraining', followUpQueued: true });
    expect(mid.pending.map((a) => a.fingerprint)).toEqual(['second', 'third']);
    const s = await finished(model, 2);
    expect(s.history.map((r) => r.alerts.map((a) => a.fingerprint))).toEqual([['first'], ['second', 'third']]);
    const [r1, r2] = s.history;
    expect(Date.parse(r2?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(r1?.finishedAt ?? ''));
    await sleep(1000);
    expect((await status(model)).history).toHaveLength(2);
  }, 60_000);

  it('holds the next retrain until the cooldown has passed, and records failures', async () => {
    const model = uniq('cooldown');
    const o = fast({ dagId: 't_failing', debounceSeconds: 0.2, cooldownSeconds: 5 });
    await send(model, alert('x'), o);
    const one = await finished(model, 1);
    expect(one.lastRetrain?.outcome).toBe('failed');
    expect(one.lastRetrain?.detail).toBeTruthy();
    await send(model, alert('y'), o);
    // Dev-server timers fire up to ~1 s late: past the 0.2 s debounce, well inside the 5 s cooldown.
    await sleep(2000);
    const cooling = await status(model);
    expect(cooling, JSON.stringify(cooling)).toMatchObject({ status: 'cooldown' });
    const two = await finished(model, 2);
    const [r1, r2] = two.history;
    expect(Date.parse(r2?.startedAt ?? '') - Date.parse(r1?.finishedAt ?? '')).toBeGreaterThanOrEqual(5000);
  }, 60_000);

  it('pause stops new retrains until resume', async () => {
    const model = uniq('pause');
    const o = fast({ debounceSeconds: 0.3 });
    await send(model, alert('p1'), o);
    await finished(model, 1);
    await pauseController(h.client, model, true);
    await send(model, alert('p2'), o);
    await sleep(1500);
    const paused = await status(model);
    expect(paused).toMatchObject({ status: 'paused', paused: true });
    expect(paused.history).toHaveLength(1);
    await pauseController(h.client, model, false);
    const s = await finished(model, 2);
    expect(s.history[1]?.alerts.map((a) => a.fingerprint)).toEqual(['p2']);
  }, 60_000);

  it('continues as new without losing state', async () => {
    const model = uniq('can');
    const o = fast({ debounceSeconds: 0.2, continueAsNewAfterEvents: 25 });
    const first = await send(model, alert('c1'), o);
    await finished(model, 1);
    await send(model, alert('c2'), o);
    const s = await finished(model, 2);
    await send(model, alert('c3'), o);
    const s3 = await finished(model, 3);
    const desc = await h.client.workflow.getHandle(controllerWorkflowId(model)).describe();
    expect(desc.runId).not.toBe(first.runId);
    expect(s3.generation).toBeGreaterThanOrEqual(1);
    expect(s3.history.map((r) => r.alerts[0]?.fingerprint)).toEqual(['c1', 'c2', 'c3']);
    expect(s3.alertsReceived).toBe(3);
    expect(s.history).toHaveLength(2);
    // Every retrain of one controller chain carries the same epoch (its first run id), across continue-as-new.
    expect(new Set(s3.history.map((r) => r.runId.split('__')[3])).size).toBe(1);
  }, 60_000);

  it('a controller started again after its predecessor ended never reuses a retrain run id (issue 14.1)', async () => {
    const model = uniq('restart');
    const o = fast({ debounceSeconds: 0.2 });
    await send(model, alert('r1'), o);
    const first = await finished(model, 1);
    await h.client.workflow.getHandle(controllerWorkflowId(model)).terminate('test: controller lost');
    await send(model, alert('r2'), o);
    const second = await finished(model, 1);
    expect(second.history[0]?.n).toBe(1);
    expect(second.history[0]?.runId).not.toBe(first.history[0]?.runId);
    expect(second.history[0]?.outcome).toBe('succeeded');
  }, 60_000);
});
