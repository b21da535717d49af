/**
 * `backfill --reprocess failed --resume` on the real dev server: a failed date is re-run as a
 * retry of its failed run, so the task that succeeded is reused (not run again) and only the
 * failed one runs; without a failed run, a date runs from scratch as before.
 */
import { expect, it } from 'vitest';
import { backfillInput, BackfillError } from '../../client/backfill';
import { waitForRun } from '../../client/runs';
import { backfillRunId } from '../../core/backfill-plan';
import { useHarnessWithWorker, taskOf } from '../integration/harness';
import { backfill, dag, starts } from './helpers';

const h = useHarnessWithWorker('backfill-resume');

// Backfill run ids are deterministic per date: a random month keeps reruns of this file apart.
const first = new Date(Date.UTC(1970 + Math.floor(Math.random() * 40), Math.floor(Math.random() * 12), 1));
const day = (n: number) => new Date(first.getTime() + n * 86_400_000).toISOString().slice(0, 10);

it('re-runs a failed date as a retry of its failed run: the successful task is reused, only the failed one runs', async () => {
  const range = { from: day(0), to: day(2), maxActive: 3 };
  const failing = await backfill(h, { ...range, params: { ms: 20, failOn: [day(1)] } });
  expect(failing.progress.failed).toBe(1);
  const failedId = backfillRunId(dag.id, `${day(1)}T00:00:00.000Z`);
  const failedRun = await h.client.workflow.getHandle(failedId).describe();

  const resumed = await backfill(h, { ...range, reprocess: 'failed', resume: true, params: { ms: 20, failOn: [] } });
  expect(resumed.progress.succeeded).toBe(1);
  expect(resumed.progress.skipped).toBe(2);
  expect(resumed.progress.dates.find((d) => d.state === 'succeeded')?.detail).toBe(`retry of run ${failedRun.runId}`);

  const log = h.readLog();
  // 'wait' ran once for the failed date (in its first run); 'check' ran in both runs.
  expect(starts(log, 'wait', failedId).get(failedId)).toBe(1);
  const outcome = await waitForRun(h.client.workflow.getHandle(failedId));
  expect(outcome.view?.status).toBe('success');
  expect(outcome.view?.retryOf).toEqual({ workflowId: failedId, runId: failedRun.runId });
  expect(taskOf(outcome.view!, 'wait').cached).toEqual({ via: 'retry', workflowId: failedId, runId: failedRun.runId });
  expect(taskOf(outcome.view!, 'check').cached).toBeUndefined();
});

it('--resume needs --reprocess failed (or completed)', () => {
  expect(() => backfillInput(dag, { from: day(0), to: day(2), resume: true })).toThrow(BackfillError);
  expect(() => backfillInput(dag, { from: day(0), to: day(2), resume: true })).toThrow(/use it with reprocess 'failed'/);
});
