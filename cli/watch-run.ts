/**
 * Follow a run until it ends (`trigger --wait`): poll its `state` query, show progress, then
 * the final report; the exit code says how it ended. Ctrl-C stops watching, not the run.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunView } from '../core/run-view';
import type { TaskState } from '../core/trigger-rules';
import { getRunView, waitForRun } from '../client/runs';
import type { TemporalSession } from './connect';
import { EXIT } from './errors';
import { formatDuration, elapsedMs } from './format';
import { formatLiveStatus, formatRun, taskEvents, type Painter } from './format-run';
import { paint, printJson, type Io, type Stream } from './io';
import { reconcileStatus } from './reconcile-status';

export interface WatchOptions {
  json: boolean;
  cancelOnInterrupt: boolean;
  taskQueue: string;
  pollMs?: number;
  /** Stop watching when this aborts; default: on Ctrl-C (SIGINT). Tests pass their own. */
  stop?: AbortSignal;
}

/** A query has this long to answer; a slow one must not stall the progress display. */
const QUERY_DEADLINE_MS = 5_000;
/** Query failures this early are normal (the first workflow task may not have run yet). */
const WORKER_GRACE_MS = 5_000;

type Outcome = { kind: 'done'; view: RunView | undefined; error?: string } | { kind: 'error'; err: unknown };

function onInterrupt(stop: AbortSignal | undefined): { promise: Promise<{ kind: 'interrupt' }>; dispose: () => void } {
  let handler = (): void => {};
  const promise = new Promise<{ kind: 'interrupt' }>((resolve) => {
    handler = () => resolve({ kind: 'interrupt' });
  });
  if (stop) {
    if (stop.aborted) handler();
    stop.addEventListener('abort', handler, { once: true });
    return { promise, dispose: () => stop.removeEventListener('abort', handler) };
  }
  // `once`: a second Ctrl-C (say, while a cancel is in flight) gets node's default and kills us.
  process.once('SIGINT', handler);
  return { promise, dispose: () => process.off('SIGINT', handler) };
}

/** Progress as lines (pipes, CI logs) or as a block redrawn in place (terminals). */
class Progress {
  private readonly seen = new Map<string, TaskState>();
  private drawn = 0;
  private readonly painter: Painter;

  constructor(
    private readonly out: Stream,
    colour: boolean,
  ) {
    this.painter = (style, text) => paint({ color: colour && out.isTTY }, style, text);
  }

  get live(): boolean {
    return this.out.isTTY;
  }

  show(view: RunView): void {
    if (!this.live) {
      for (const line of taskEvents(view, this.seen, this.painter)) this.out.write(`${line}\n`);
      return;
    }
    // Some pseudo-terminals report 0 rows; assume a classic 24-line screen then.
    const rows = this.out.rows !== undefined && this.out.rows > 0 ? this.out.rows : 24;
    const width = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns - 1 : Infinity;
    const lines = formatLiveStatus(view, Date.now(), Math.max(3, rows - 2), this.painter, width);
    this.clear();
    this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  note(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  /** Erase the live block: cursor up to its first line, then clear to the end of the screen. */
  clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  /** The last events (lines mode), or nothing: the final table follows. */
  finish(view: RunView | undefined): void {
    if (this.live) this.clear();
    else if (view) this.show(view);
  }
}

export async function watchRun(session: TemporalSession, handle: WorkflowHandle, runId: string, io: Io, o: WatchOptions): Promise<number> {
  // With --json, stdout carries only the final JSON; people still see progress on stderr.
  const progress = new Progress(o.json ? io.stderr : io.stdout, io.color);
  const startedWatching = Date.now();
  let last: RunView | undefined;
  let workerNoted = false;

  const outcome: Promise<Outcome> = waitForRun(handle).then(
    (r): Outcome => ({ kind: 'done', ...r }),
    (err: unknown): Outcome => ({ kind: 'error', err }),
  );
  // A failed query is not an error here: before a worker's first workflow task, or while the
  // worker is busy or restarting, there is simply no answer yet; the next poll tries again.
  const poll = async (delayMs: number): Promise<{ kind: 'view'; view: RunView } | { kind: 'noanswer' }> => {
    await sleep(delayMs);
    try {
      const view = await session.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        getRunView(session.client, handle.workflowId, runId),
      );
      return { kind: 'view', view };
    } catch {
      return { kind: 'noanswer' };
    }
  };

  const interrupt = onInterrupt(o.stop);
  // Said only now that Ctrl-C is handled, so whoever acts on it gets what it promises.
  progress.note(`Waiting for it to end (Ctrl-C stops waiting${o.cancelOnInterrupt ? ' and cancels the run' : '; the run continues'})…`);
  try {
    for (let first = true; ; first = false) {
      const event = await Promise.race([outcome, interrupt.promise, poll(first ? 0 : (o.pollMs ?? 500))]);
      if (event.kind === 'interrupt') {
        progress.clear();
        return await interrupted(handle, io, o.cancelOnInterrupt);
      }
      if (event.kind === 'error') throw event.err;
      if (event.kind === 'done') {
        // No summary (cancelled, terminated): the last polled view, with the server's verdict.
        const final = event.view ?? (last && reconcileStatus(last, await handle.describe()));
        progress.finish(final);
        return report(io, final, event.error, o.json);
      }
      if (event.kind === 'view') {
        last = event.view;
        progress.show(event.view);
      } else if (!workerNoted && Date.now() - startedWatching > WORKER_GRACE_MS) {
        workerNoted = true;
        progress.note(`  (no answer from the run yet; is a worker running on task queue '${o.taskQueue}'? still waiting…)`);
      }
    }
  } finally {
    interrupt.dispose();
  }
}

async function interrupted(handle: WorkflowHandle, io: Io, cancel: boolean): Promise<number> {
  if (cancel) {
    await handle.cancel();
    io.stderr.write(`\nInterrupted: cancellation requested for run ${handle.workflowId}.\n`);
  } else {
    io.stderr.write(
      `\nInterrupted: stopped watching; the run continues on the server.\n  Follow it with: tideflow runs show ${handle.workflowId}\n`,
    );
  }
  return EXIT.interrupted;
}

/** Final table (or JSON) on stdout, verdict on stderr when it is bad news; the exit code. */
function report(io: Io, view: RunView | undefined, error: string | undefined, json: boolean): number {
  if (view) {
    if (json) printJson(io, view);
    else io.stdout.write(`\n${formatRun(view)}`);
  }
  if (view?.status === 'success' && error === undefined) {
    if (!json) io.stdout.write(`\nRun succeeded in ${formatDuration(elapsedMs(view.startedAt, view.endedAt) ?? NaN)}.\n`);
    return EXIT.ok;
  }
  const failed = view?.tasks.filter((t) => t.state === 'failed').map((t) => t.id) ?? [];
  const why = error ?? (failed.length > 0 ? `failed task(s): ${failed.join(', ')}` : `ended ${view?.status ?? 'without a summary'}`);
  io.stderr.write(`\nRun ${view?.status === 'cancelled' ? 'was cancelled' : 'failed'}: ${why}\n`);
  return EXIT.failed;
}
