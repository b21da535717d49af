/**
 * Issue 14.5: "this date already ran" must not depend on Temporal's retention. Runs are deleted
 * from Temporal (what the namespace retention does to old runs) and backfill still knows their
 * dates from Tideflow's own record in S3; a run known only through that record counts too.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { backfillRunId, type BackfillProgress } from '../../core/backfill-plan';
import { markRun, recordedRuns } from '../../storage/run-dates';
import { useHarnessWithWorker } from '../integration/harness';
import { backfill, dag, waitFor } from './helpers';

const h = useHarnessWithWorker('backfill-retention');

const byDate = (p: BackfillProgress) =>
  Object.fromEntries(p.dates.map((d) => [d.logicalDate.slice(0, 10), `${d.state} ${d.detail ?? ''}`.trim()]));

/** What the namespace retention does to a closed run: gone from describe and from visibility. */
async function forget(workflowId: string): Promise<void> {
  const del = () =>
    h.client.workflowService
      .deleteWorkflowExecution({ namespace: h.client.options.namespace, workflowExecution: { workflowId } })
      .catch(() => undefined); // NOT_FOUND once the run is gone
  await del();
  let polls = 0;
  await waitFor(
    `${workflowId} to be deleted`,
    async () => {
      // The dev server deletes asynchronously and may drop a request for a run that closed moments ago: ask again.
      if (++polls % 20 === 0) await del();
      const gone = await h.client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => false,
          (err: unknown) => err instanceof WorkflowNotFoundError,
        );
      const listed = (await h.client.workflow.count(`WorkflowId = '${workflowId}'`)).count;
      return gone && listed === 0 ? true : undefined;
    },
    120_000, // each deletion took 20–30 s on the dev server even on a quiet machine
  );
}

describe('backfill after Temporal forgot the runs', () => {
  it('skips dates that succeeded (and failed) before retention deleted them; --reprocess still re-runs them', async () => {
    const range = { from: '2019-05-01', to: '2019-05-03', maxActive: 3 };
    const first = await backfill(h, { ...range, params: { ms: 20, failOn: ['2019-05-02'] } });
    expect(first.progress).toMatchObject({ succeeded: 2, failed: 1 });
    const ids = ['01', '02', '03'].map((d) => backfillRunId(dag.id, `2019-05-${d}T00:00:00.000Z`));
    await Promise.all(ids.map(forget)); // the dev server deletes asynchronously: wait for the three at once

    const none = await backfill(h, { ...range, reprocess: 'none' });
    expect(none.progress).toMatchObject({ succeeded: 0, failed: 0, skipped: 3 });
    expect(byDate(none.progress)).toEqual({
      '2019-05-01': 'skipped already succeeded',
      '2019-05-02': 'skipped already has a failed run (use --reprocess failed)',
      '2019-05-03': 'skipped already succeeded',
    });

    const failed = await backfill(h, { ...range, reprocess: 'failed' });
    expect(failed.progress).toMatchObject({ succeeded: 1, skipped: 2 });
    expect(byDate(failed.progress)['2019-05-02']).toBe('succeeded');

    await forget(ids[1] as string); // the re-run of 05-02; the others were never re-run
    const completed = await backfill(h, { ...range, reprocess: 'completed' });
    expect(completed.progress).toMatchObject({ succeeded: 3, skipped: 0 });
  }, 240_000); // four backfills and four asynchronous deletions; one CI run at high load took over 60 s

  it('a run known only from its record (imported, or started elsewhere and terminated) counts as run', async () => {
    const run = { dagId: dag.id, workflowId: 'imported/2019-06-01', runId: 'r-1', logicalDate: '2019-06-01T00:00:00Z' };
    await markRun(h.store, run, 'started');
    await markRun(h.store, run, 'success');
    // Started and never ended (terminated after its first task): failed, as Temporal reports a terminated run.
    await markRun(h.store, { ...run, workflowId: 'terminated-2019-06-02', logicalDate: '2019-06-02T00:00:00Z' }, 'started');
    expect((await recordedRuns(h.store, dag.id, ['2019-06-01T00:00:00.000Z'])).get('2019-06-01T00:00:00.000Z')).toMatchObject({
      state: 'success',
      runId: 'r-1',
    });

    const { progress } = await backfill(h, { from: '2019-06-01', to: '2019-06-03', reprocess: 'none', params: { ms: 20 } });
    expect(byDate(progress)).toEqual({
      '2019-06-01': 'skipped already succeeded',
      '2019-06-02': 'skipped already has a failed run (use --reprocess failed)',
      '2019-06-03': 'succeeded',
    });
  });
});
