/**
 * Benchmark `retry` (issue 15.2): re-run from failure on ml_retrain (penguins, its default
 * params). The first run fails at `evaluate` (a bug injected in the bench's mlEvaluate, a
 * non-retryable error); the bug is then fixed and the run retried (`startRetry`, what
 * `tideflow runs retry` calls). Target: the retry runs only `evaluate` and what is downstream of
 * it, every other task reused (`cached.via === 'retry'`). Reported: the tasks each run ran, and
 * the retry's wall time against the failed run's and against a fresh run of the fixed code.
 */
import { ApplicationFailure } from '@temporalio/common';
import { activities } from '../activities';
import type { ActivityRegistry } from '../activities/task-runner';
import { startRetry } from '../client/retry';
import { startDagRun, waitForRun } from '../client/runs';
import { descendants, downstreamMap } from '../core/graph';
import type { DagDefinition } from '../core/model';
import type { RunView } from '../core/run-view';
import mlRetrain from '../dags/ml_retrain';
import { formatTable, ratio, verdict } from './table';
import type { BenchContext, BenchOutcome, Benchmark } from './types';

const dag = mlRetrain as DagDefinition;
let evaluateBroken = false;

interface Measured {
  workflowId: string;
  status: string;
  seconds: number;
  /** Tasks whose activity ran in this run (not reused, not skipped, not empty). */
  ran: string[];
  reused: string[];
}

function measured(workflowId: string, view: RunView, seconds: number): Measured {
  const withActivity = new Set(dag.tasks.filter((t) => t.activity !== undefined).map((t) => t.id));
  const ran = view.tasks.filter((t) => withActivity.has(t.id) && !t.cached && t.attempts > 0).map((t) => t.id);
  const reused = view.tasks.filter((t) => t.cached?.via === 'retry').map((t) => t.id);
  return { workflowId, status: view.status, seconds: Math.round(seconds * 100) / 100, ran, reused };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export const retryBench: Benchmark = {
  name: 'retry',
  title: 'ml_retrain (penguins) failing at evaluate, retried after the fix: only evaluate and its downstream run',
  dags: () => [dag],
  activities: (): ActivityRegistry => ({
    mlEvaluate: async (input: never, ctx) => {
      if (evaluateBroken) throw ApplicationFailure.nonRetryable('bench: injected bug in evaluate', 'BenchInjectedBug');
      return activities.mlEvaluate(input, ctx);
    },
  }),
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const run = async (): Promise<{ workflowId: string; view: RunView }> => {
      const handle = await startDagRun(ctx.client, dag, { taskQueue: ctx.taskQueue });
      const { view, error } = await waitForRun(handle);
      if (!view) throw new Error(`ml_retrain run ${handle.workflowId} ended without a summary: ${error}`);
      return { workflowId: handle.workflowId, view };
    };
    ctx.log('retry: first run, with a bug in evaluate');
    evaluateBroken = true;
    const first = await timed(run);
    evaluateBroken = false;
    if (first.value.view.tasks.find((t) => t.id === 'evaluate')?.state !== 'failed')
      throw new Error(`the first run should fail at evaluate; it ended ${first.value.view.status}`);
    ctx.signal.throwIfAborted();

    ctx.log('retry: evaluate fixed; retrying the failed run');
    const retried = await timed(async () => {
      const started = await startRetry(ctx.client, [dag], { taskQueue: ctx.taskQueue, workflowId: first.value.workflowId });
      const { view, error } = await waitForRun(started.handle);
      if (!view) throw new Error(`retry ${started.handle.workflowId} ended without a summary: ${error}`);
      return { workflowId: started.handle.workflowId, view };
    });
    ctx.signal.throwIfAborted();
    ctx.log('retry: a fresh run of the fixed pipeline, for comparison');
    const fresh = await timed(run);

    const results = {
      firstRun: measured(first.value.workflowId, first.value.view, first.seconds),
      retry: measured(retried.value.workflowId, retried.value.view, retried.seconds),
      freshRun: measured(fresh.value.workflowId, fresh.value.view, fresh.seconds),
    };
    const allowed = new Set(['evaluate', ...descendants(downstreamMap(dag.tasks), 'evaluate')]);
    const onlyDownstream =
      results.retry.status === 'success' && results.retry.ran.includes('evaluate') && results.retry.ran.every((id) => allowed.has(id));
    const result = {
      ...results,
      retryVsFirst: Math.round((retried.seconds / first.seconds) * 1000) / 1000,
      retryVsFresh: Math.round((retried.seconds / fresh.seconds) * 1000) / 1000,
      target: { onlyEvaluateAndDownstream: onlyDownstream },
    };
    const row = (name: string, m: Measured): string[] => [name, m.status, `${m.seconds.toFixed(2)} s`, m.ran.join(', ')];
    const report = [
      `retry — ${retryBench.title}`,
      formatTable(
        ['run', 'status', 'wall time', 'tasks that ran'],
        [row('first (bug in evaluate)', results.firstRun), row('retry (fixed)', results.retry), row('fresh run (fixed)', results.freshRun)],
      ),
      `reused by the retry: ${results.retry.reused.join(', ')}`,
      `retry / first run: ${ratio(result.retryVsFirst)}; retry / fresh run: ${ratio(result.retryVsFresh)}`,
      `${verdict(onlyDownstream)} the retry ran only evaluate and its downstream (${[...allowed].join(', ')})`,
    ].join('\n');
    return { result, report };
  },
};
