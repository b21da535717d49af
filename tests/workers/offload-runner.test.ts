/**
 * The offload runner on its own: a CPU-bound job runs in a thread (the event loop stays free),
 * progress streams back, errors keep their class (so retryability is decided as in-process),
 * typed arrays come back transferred, aborting terminates the thread at once, and a second job
 * with the same task key terminates the first.
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { runInThread, runningJobs } from '../../activities/ml/offload/runner';
import { EstimatorInputError } from '../../ml/estimators/types';

/** OS threads of this process (Linux): a terminated worker thread is gone from here. */
const threadCount = (): number => readdirSync('/proc/self/task').length;

describe('runInThread', () => {
  it('runs the job off the event loop and streams its progress', async () => {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const progress: unknown[] = [];
    const out = await runInThread('sleepBusy', { ms: 1500 }, { onProgress: (d) => progress.push(d) });
    lag.disable();
    expect(out.spunMs).toBeGreaterThanOrEqual(1500);
    expect(progress.length).toBeGreaterThan(5);
    // Spinning 1.5 s on this thread would put ~1.5e9 ns in the max; off-thread the loop stays free.
    expect(lag.percentile(99) / 1e6).toBeLessThan(200);
    expect(runningJobs()).toBe(0);
  });

  it('moves typed arrays back by transfer', async () => {
    const echo = Float64Array.from([1, 2, 3]);
    const out = await runInThread('sleepBusy', { ms: 0, echo });
    expect(Array.from(out.echo ?? [])).toEqual([2, 4, 6]);
  });

  it('rebuilds the error class, so bad input stays non-retryable', async () => {
    await expect(runInThread('sleepBusy', { ms: 0, fail: 'RangeError' })).rejects.toSatisfy(
      (e) => e instanceof RangeError && e.message === 'bad value at row 3',
    );
    await expect(runInThread('sleepBusy', { ms: 0, fail: 'EstimatorInputError' })).rejects.toBeInstanceOf(EstimatorInputError);
    await expect(runInThread('sleepBusy', { ms: 0, fail: 'Error' })).rejects.toThrow('transient failure');
  });

  it('terminates the thread when the signal aborts', async () => {
    const before = threadCount();
    const ac = new AbortController();
    const job = runInThread('sleepBusy', { ms: 30_000 }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 500));
    expect(threadCount()).toBeGreaterThan(before);
    const t0 = Date.now();
    ac.abort(new Error('cancelled by test'));
    await expect(job).rejects.toThrow('cancelled by test');
    expect(Date.now() - t0).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(threadCount()).toBe(before);
    expect(runningJobs()).toBe(0);
  });

  it('a job with the key of a running one terminates it first (a retry never runs beside its predecessor)', async () => {
    const first = runInThread('sleepBusy', { ms: 30_000 }, { key: 'wf/run/tune[0]' });
    let firstEndedAt = 0;
    const firstOutcome = first.then(
      () => 'finished',
      (e: Error) => {
        firstEndedAt = Date.now();
        return e.message;
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    const second = await runInThread('sleepBusy', { ms: 100 }, { key: 'wf/run/tune[0]' });
    const secondDoneAt = Date.now();
    expect(second.spunMs).toBeGreaterThanOrEqual(100);
    // The predecessor was gone before the new attempt finished (not 30 s later).
    expect(firstEndedAt).toBeGreaterThan(0);
    expect(firstEndedAt).toBeLessThanOrEqual(secondDoneAt);
    expect(await firstOutcome).toMatch(/ended without a result/);
    expect(runningJobs()).toBe(0);
  });
});
