/**
 * Wrap activities so every task attempt lands in its run's manifest: the artifact references
 * found in the task's input (read) and output (written), its timings and outcome. Artifacts are
 * recognised by shape ({uri: 's3://…', bytes, sha256}), which every Tideflow artifact
 * reference has, so activities need not report anything themselves.
 */
import type { TaskActivity, TaskContext } from './context';
import { recordTask } from '../storage/artifacts/manifest';
import { isArtifactRef, type ArtifactRef } from '../storage/artifacts/types';

/**
 * A manifest write has its own retry budget, longer than a short store outage (MinIO restarting,
 * a network blip): the task's work is done, so failing it — and redoing the work — for a
 * bookkeeping write would be wrong. Past the budget the task still succeeds, with a warning.
 */
export const MANIFEST_RETRY = { budgetMs: 90_000, firstDelayMs: 500, maxDelayMs: 10_000 };

async function withRetries(write: () => Promise<void>, ctx: TaskContext, budget = MANIFEST_RETRY): Promise<void> {
  const deadline = Date.now() + budget.budgetMs;
  for (let delay = budget.firstDelayMs; ; delay = Math.min(delay * 2, budget.maxDelayMs)) {
    try {
      return await write();
    } catch (err) {
      if (Date.now() + delay > deadline || ctx.signal.aborted) throw err;
      ctx.log.warn('run manifest write failed; retrying', { error: err instanceof Error ? err.message : String(err), inMs: delay });
      // Sleep in short slices so the task keeps heartbeating while the store is away.
      for (let waited = 0; waited < delay && !ctx.signal.aborted; waited += 1000) {
        ctx.heartbeat({ phase: 'recording run manifest' });
        await new Promise((r) => setTimeout(r, Math.min(1000, delay - waited)));
      }
    }
  }
}
/** Inputs can be data frames: look at a bounded number of nodes, refs sit near the top anyway. */
const MAX_NODES = 20_000;

export function findArtifactRefs(value: unknown): ArtifactRef[] {
  const found = new Map<string, ArtifactRef>();
  const stack: unknown[] = [value];
  for (let seen = 0; stack.length > 0 && seen < MAX_NODES; seen++) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (isArtifactRef(o)) {
      found.set(`${o.uri}#${o.sha256}`, { uri: o.uri, bytes: o.bytes, sha256: o.sha256 });
    }
    stack.push(...Object.values(o));
  }
  return [...found.values()];
}

/** The run a task context belongs to, as the manifest records it. */
export function manifestRunOf(ctx: TaskContext) {
  return {
    dagId: ctx.dagId,
    workflowId: ctx.workflowId,
    runId: ctx.runId,
    logicalDate: ctx.logicalDate,
    dataIntervalStart: ctx.dataIntervalStart,
    dataIntervalEnd: ctx.dataIntervalEnd,
    params: ctx.params,
  };
}

/** The attempt's identity and timings, as the manifest records them. */
export function manifestAttemptOf(ctx: TaskContext, started: number, ended: number) {
  return {
    taskId: ctx.taskId,
    ...(ctx.mapIndex !== undefined && { mapIndex: ctx.mapIndex }),
    attempt: ctx.attempt,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    durationMs: ended - started,
  };
}

function withManifest<I, O>(impl: TaskActivity<I, O>): TaskActivity<I, O> {
  return async (input: I, ctx: TaskContext): Promise<O> => {
    const started = Date.now();
    const read = findArtifactRefs(input);
    const record = (status: 'success' | 'failed', output: unknown, error?: string): Promise<void> =>
      withRetries(() => write(status, output, error), ctx);
    const write = async (status: 'success' | 'failed', output: unknown, error?: string): Promise<void> => {
      const readKeys = new Set(read.map((a) => `${a.uri}#${a.sha256}`));
      const wrote = findArtifactRefs(output).filter((a) => !readKeys.has(`${a.uri}#${a.sha256}`));
      const ended = Date.now();
      await recordTask(ctx.store, manifestRunOf(ctx), {
        ...manifestAttemptOf(ctx, started, ended),
        status,
        ...(error !== undefined && { error }),
        read,
        wrote,
      });
    };
    let output: O;
    try {
      output = await impl(input, ctx);
    } catch (err) {
      // The task's own error matters more than a failure to record it.
      await record('failed', undefined, err instanceof Error ? err.message : String(err)).catch(() => undefined);
      throw err;
    }
    try {
      await record('success', output);
    } catch (err) {
      ctx.log.warn('run manifest not recorded after retries; the task succeeded all the same', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
    return output;
  };
}

/** The same activities, each recording its attempts in the run manifest. Types are preserved. */
export function recordingRunManifests<T extends Record<string, TaskActivity<never, unknown>>>(activities: T): T {
  const wrapped: Record<string, TaskActivity<never, unknown>> = {};
  for (const [name, impl] of Object.entries(activities)) wrapped[name] = withManifest(impl);
  return wrapped as T;
}
