/** Scheduled retraining goes through the controller (real dev server): a scheduled request during a drift retrain never starts a second one. */
import { describe, expect, it } from 'vitest';
import type { ScheduledRetrainOutput } from '../../activities/drift/schedule';
import { driftStatus, signalDrift } from '../../client/drift';
import type { ControllerOptions, ControllerStatus } from '../../mlops/retrain-policy';
import type { DagDefinition } from '../../core/model';
import { TRIGGER_KEY } from '../../core/search-attributes';
import scheduledRetrain from '../../dags/scheduled_retrain';
import { waitFor } from '../backfill/helpers';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('drift-scheduled');

const status = async (model: string): Promise<ControllerStatus> => {
  const s = await driftStatus(h.client, model);
  if (!s) throw new Error('no controller');
  return s;
};

describe('scheduled_retrain', () => {
  it('a scheduled request while a drift retrain runs queues one follow-up, never a second concurrent retrain', async () => {
    const model = `sched-${Math.random().toString(36).slice(2, 7)}`;
    const o: ControllerOptions = { dagId: 't_backfill', debounceSeconds: 0.5, cooldownSeconds: 0, params: { ms: 3000 } };
    await signalDrift(
      h.client,
      model,
      { fingerprint: 'psi-bill', reason: 'psi high', source: 'monitoring' },
      { taskQueue: h.taskQueue, controller: o },
    );
    const first = await waitFor('the drift retrain to run', async () => ((await status(model)).running ? status(model) : undefined));
    expect(first.running?.alerts.map((a) => a.fingerprint)).toEqual(['psi-bill']);

    // Two scheduled runs for the same interval (a re-run): one request, deduped by its fingerprint.
    const a = await runToEnd(h, scheduledRetrain as DagDefinition, { modelName: model });
    const b = await runToEnd(h, scheduledRetrain as DagDefinition, { modelName: model });
    expect([a.view.status, b.view.status]).toEqual(['success', 'success']);
    const out = taskOf(a.view, 'request').output as ScheduledRetrainOutput;
    expect(out).toMatchObject({
      controller: `tideflow-retrain__${model}`,
      fingerprint: expect.stringMatching(/^schedule:scheduled_retrain:\d{4}-\d{2}-\d{2}$/),
    });

    const during = await status(model);
    expect(during.running?.n).toBe(1);
    expect(during.history).toHaveLength(1);
    expect(during.followUpQueued).toBe(true);
    expect(during.pending).toEqual([expect.objectContaining({ fingerprint: out.fingerprint, source: 'schedule' })]);
    expect(during.duplicates).toBeGreaterThanOrEqual(1);

    const done = await waitFor(
      'the follow-up to finish',
      async () => {
        const s = await status(model);
        return s.history.length >= 2 && !s.running && s.history.every((r) => r.outcome !== 'running') ? s : undefined;
      },
      60_000,
    );
    expect(done.history.map((r) => [r.n, r.outcome, r.alerts.map((x) => x.fingerprint)])).toEqual([
      [1, 'succeeded', ['psi-bill']],
      [2, 'succeeded', [out.fingerprint]],
    ]);
    // One at a time: the follow-up started only after the drift retrain finished.
    expect(Date.parse(done.history[1]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.history[0]?.finishedAt ?? ''));
    // The scheduled retrain is told apart from the drift one: in the status and in the run's TideflowTrigger.
    expect(done.history.map((r) => r.trigger)).toEqual(['drift', 'schedule']);
    const triggers = await Promise.all(
      done.history.map(async (r) => (await h.client.workflow.getHandle(r.runId).describe()).typedSearchAttributes.get(TRIGGER_KEY)),
    );
    expect(triggers).toEqual(['drift', 'schedule']);
  }, 120_000);
});
