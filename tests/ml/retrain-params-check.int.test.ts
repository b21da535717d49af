/**
 * Issue 14.12 on the real servers: ml_retrain started the way the Web UI or the Temporal CLI start
 * it (straight through Temporal, no client-side params check) with a reserved champion alias or a
 * threshold on an unknown metric fails at once, naming the rule, before any task is scheduled —
 * not in `evaluate` after three retries, not as a gate rejection.
 */
import { describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { useHarnessWithWorker } from '../integration/harness';

const h = useHarnessWithWorker('retrain-params-check');

async function startRaw(params: Record<string, unknown>): Promise<{ error: unknown; scheduled: number }> {
  const handle = await h.client.workflow.start('ml_retrain', {
    taskQueue: h.taskQueue,
    workflowId: `ml_retrain-params-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
    args: [{ params }],
  });
  const error = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  const history = await handle.fetchHistory();
  const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes).length;
  return { error, scheduled };
}

/** The failure's message and its causes', so the assertion sees the rule however it is wrapped. */
function messages(err: unknown): string {
  const out: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) out.push(e.message);
  return out.join(' | ');
}

describe('ml_retrain params are checked before any task runs, also when started straight through Temporal', () => {
  it('a reserved champion alias fails the run at once, naming the rule, with no task scheduled', async () => {
    const { error, scheduled } = await startRaw({ championAlias: 'latest' });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(messages(error)).toMatch(/championAlias: alias "latest" is reserved/);
    expect(scheduled).toBe(0);
  }, 60_000);

  it('a threshold on a metric the evaluation does not produce fails the run at once, naming the known metrics', async () => {
    const { error, scheduled } = await startRaw({ thresholds: [{ metric: 'acuracy', lower: 0.5 }] });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(messages(error)).toMatch(/unknown metric "acuracy"/);
    expect(scheduled).toBe(0);
  }, 60_000);
});
