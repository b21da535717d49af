/** The re-run-from-failure plan (workflows/retry-plan.ts): what a retry reuses and what it re-runs. */
import { describe, expect, it } from 'vitest';
import type { TaskState } from '../../core/trigger-rules';
import { planRetry, RetryPlanError, type OriginalRun } from '../../workflows/retry-plan';
import { retryable } from '../fixtures/retry-dags';

const ok = (id: string, output: unknown = `${id}-out`) => ({ id, state: 'success' as TaskState, output });

function original(tasks: OriginalRun['tasks'], extra: Partial<OriginalRun> = {}): OriginalRun {
  return {
    dagId: 't_retry',
    workflowId: 'wf-1',
    runId: 'run-1',
    status: 'failed',
    logicalDate: '2024-01-01T00:00:00.000Z',
    params: {},
    tasks,
    unusable: {},
    ...extra,
  };
}

const failedAtCheck = original([
  ok('extract', [1, 2, 3]),
  ok('big'),
  ok('measure'),
  { id: 'check', state: 'failed' },
  { id: 'report', state: 'upstream_failed' },
  ok('fan', [1, 4, 9]),
]);
const origin = { via: 'retry', workflowId: 'wf-1', runId: 'run-1' };

describe('planRetry', () => {
  it('reuses every successful task upstream of or beside the failure; re-runs the failure and its downstream', () => {
    const plan = planRetry(retryable, failedAtCheck);
    expect(plan.rerun).toEqual(['check', 'report']);
    expect(plan.reuse).toEqual({
      extract: { output: [1, 2, 3], cached: origin },
      big: { output: 'big-out', cached: origin },
      measure: { output: 'measure-out', cached: origin },
      fan: { output: [1, 4, 9], cached: origin },
    });
  });

  it('from: that task and everything downstream of it re-run too, also for a run that succeeded', () => {
    const succeeded = original(
      ['extract', 'big', 'measure', 'check', 'report', 'fan'].map((id) => ok(id)),
      { status: 'success' },
    );
    expect(planRetry(retryable, succeeded, 'big').rerun).toEqual(['big', 'measure', 'check', 'report']);
    expect(Object.keys(planRetry(retryable, succeeded, 'big').reuse)).toEqual(['extract', 'fan']);
    expect(planRetry(retryable, succeeded, 'extract').rerun).toEqual(['extract', 'big', 'measure', 'check', 'report', 'fan']);
  });

  it('an output whose artifact is unusable, or that the summary left out, is re-run with its downstream', () => {
    const gone = planRetry(retryable, { ...failedAtCheck, unusable: { big: 'output not reusable: s3://b/k does not exist' } });
    expect(gone.rerun).toEqual(['big', 'measure', 'check', 'report']);
    expect(gone.notes).toEqual({ big: 'output not reusable: s3://b/k does not exist' });
    const omitted = original(failedAtCheck.tasks.map((t) => (t.id === 'measure' ? { ...t, outputOmitted: true } : t)));
    expect(planRetry(retryable, omitted).rerun).toEqual(['measure', 'check', 'report']);
  });

  it('a task missing from the original (the DAG gained it) runs, with its downstream', () => {
    const plan = planRetry(retryable, original(failedAtCheck.tasks.filter((t) => t.id !== 'fan')));
    expect(plan.rerun).toEqual(['check', 'report', 'fan']);
    expect(plan.notes.fan).toBe('not in the original run');
  });

  it('a reused output names the run that computed it, through a chain of retries', () => {
    const chained = original(
      failedAtCheck.tasks.map((t) =>
        t.id === 'big' ? { ...t, cached: { via: 'retry' as const, workflowId: 'wf-0', runId: 'run-0' } } : t,
      ),
    );
    expect(planRetry(retryable, chained).reuse.big?.cached).toEqual({ via: 'retry', workflowId: 'wf-0', runId: 'run-0' });
  });

  it('refuses, naming what to change: a successful run without from, an unknown task, another DAG', () => {
    const succeeded = original([ok('extract')], { status: 'success' });
    expect(() => planRetry(retryable, succeeded)).toThrow(RetryPlanError);
    expect(() => planRetry(retryable, succeeded)).toThrow(/succeeded: there is no failure to re-run from/);
    expect(() => planRetry(retryable, failedAtCheck, 'chek')).toThrow(
      "unknown task 'chek' to re-run from: DAG 't_retry' has tasks extract, big, measure, check, report, fan",
    );
    expect(() => planRetry(retryable, { ...failedAtCheck, dagId: 'other' })).toThrow("is a run of DAG 'other', not of 't_retry'");
  });
});
