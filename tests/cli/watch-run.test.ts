/**
 * `trigger --wait`'s watcher against a scripted stand-in for Temporal: progress lines, the
 * final report, exit codes for success / failure / Ctrl-C. The real thing is exercised by
 * trigger-wait.test.ts; this covers the paths a healthy example DAG never takes.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
import type { RunView, TaskView } from '../../core/run-view';
import type { TemporalSession } from '../../cli/connect';
import { watchRun } from '../../cli/watch-run';
import { captureIo, fakeRunView } from './helpers';

const view = (status: RunView['status'], tasks: TaskView[]): RunView => fakeRunView({ status, tasks });

const t = (id: string, state: TaskView['state'], extra: Partial<TaskView> = {}): TaskView => ({
  id,
  state,
  attempts: state === 'pending' ? 0 : 1,
  ...extra,
});

/**
 * A fake session whose `state` query answers `views` in turn (repeating the last); the run's
 * result settles once every view has been seen. Only the members watchRun touches exist,
 * hence the casts to the SDK types.
 */
function fakeTemporal(views: RunView[], settle: () => Promise<RunView>) {
  let queries = 0;
  let release = (): void => {};
  const seenAll = new Promise<void>((resolve) => (release = resolve));
  const handle = {
    workflowId: 'wf-1',
    query: vi.fn(async () => {
      const v = views[Math.min(queries, views.length - 1)];
      queries++;
      if (queries >= views.length) release();
      return v;
    }),
    result: vi.fn(() => seenAll.then(settle)),
    describe: vi.fn(async () => ({ runId: 'run-1', status: { name: 'RUNNING' }, taskQueue: 'q' })),
    cancel: vi.fn(async () => {}),
  };
  const session = {
    client: { workflow: { getHandle: () => handle } },
    connection: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
    namespace: 'default',
    address: 'fake:7233',
  };
  return { handle, session: session as unknown as TemporalSession, asHandle: handle as unknown as WorkflowHandle };
}

const options = { json: false, cancelOnInterrupt: false, taskQueue: 'q', pollMs: 5 };

describe('watchRun', () => {
  it('prints each state change once, then the table; exit 0 on success', async () => {
    const done = view('success', [
      t('extract', 'success', { startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:00.200Z' }),
      t('alert', 'skipped', { attempts: 0, note: "not chosen by branch 'check'" }),
    ]);
    done.endedAt = '2024-01-01T00:00:01.000Z';
    const { session, asHandle } = fakeTemporal(
      [
        view('running', [t('extract', 'running'), t('alert', 'pending')]),
        view('running', [t('extract', 'running'), t('alert', 'pending')]),
      ],
      async () => done,
    );
    const io = captureIo();
    expect(await watchRun(session, asHandle, 'run-1', io, options)).toBe(0);
    const out = io.out();
    expect(out.match(/▸ extract/g)).toHaveLength(1);
    expect(out).toContain('  ✓ extract  success (1 attempt, 0.2s)');
    expect(out).toContain("  ↷ alert    skipped (not chosen by branch 'check')");
    expect(out).toMatch(/TASK\s+STATE/);
    expect(out).toContain('Run succeeded in 1.0s.');
    expect(io.err()).toBe('');
  });

  it('exits 1 naming the failed task, with the summary carried by the failure', async () => {
    const failed = view('failed', [t('train', 'failed', { attempts: 3, error: 'ValueError: nan loss' }), t('deploy', 'upstream_failed')]);
    const { session, asHandle } = fakeTemporal([view('running', [t('train', 'running'), t('deploy', 'pending')])], async () => {
      const cause = ApplicationFailure.nonRetryable(
        "DAG run of 'demo' failed: task(s) 'train' (ValueError: nan loss)",
        'DagRunFailed',
        failed,
      );
      throw new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);
    });
    const io = captureIo();
    expect(await watchRun(session, asHandle, 'run-1', io, options)).toBe(1);
    expect(io.out()).toContain('  ✗ train   failed: ValueError: nan loss (3 attempts)');
    expect(io.err()).toContain("Run failed: DAG run of 'demo' failed: task(s) 'train' (ValueError: nan loss)");
  });

  it('with --json prints only the final view on stdout, progress on stderr', async () => {
    const done = view('success', [t('a', 'success')]);
    const { session, asHandle } = fakeTemporal([view('running', [t('a', 'running')])], async () => done);
    const io = captureIo();
    expect(await watchRun(session, asHandle, 'run-1', io, { ...options, json: true })).toBe(0);
    expect(JSON.parse(io.out())).toEqual(done);
    expect(io.err()).toContain('▸ a  running');
  });

  it('on interrupt exits 130 and leaves the run alone unless asked to cancel it', async () => {
    for (const cancelOnInterrupt of [false, true]) {
      const { session, asHandle, handle } = fakeTemporal(
        [view('running', [t('a', 'running')]), view('running', [t('a', 'running')])],
        () => new Promise<RunView>(() => {}),
      );
      const stop = new AbortController();
      handle.query.mockImplementationOnce(async () => {
        stop.abort();
        return view('running', [t('a', 'running')]);
      });
      const io = captureIo();
      expect(await watchRun(session, asHandle, 'run-1', io, { ...options, cancelOnInterrupt, stop: stop.signal })).toBe(130);
      expect(handle.cancel).toHaveBeenCalledTimes(cancelOnInterrupt ? 1 : 0);
      expect(io.err()).toContain(cancelOnInterrupt ? 'cancellation requested' : 'the run continues on the server');
    }
  });
});
