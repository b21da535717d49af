/**
 * What every Tideflow activity receives besides its input: who it runs for, the run's params,
 * and the hooks a long task needs (heartbeat, cancellation). Activities are plain functions
 * `(input, ctx) => Promise<output>`, easy to unit test with a hand-made context.
 */
import { Context } from '@temporalio/activity';
import type { RunIdentity } from '../core/model';
import type { ArtifactStore } from '../storage/artifacts/types';

export interface TaskContext extends RunIdentity {
  /** Index of this instance in a fan-out; undefined for an ordinary task. */
  mapIndex?: number;
  /** 1 on the first try. */
  attempt: number;
  /** Report progress; required within the task's heartbeatTimeout for long work. */
  heartbeat(details?: unknown): void;
  /** Aborted when Temporal cancels the task (only seen by tasks that heartbeat). */
  signal: AbortSignal;
  log: { info(message: string, attrs?: Record<string, unknown>): void; warn(message: string, attrs?: Record<string, unknown>): void };
  /** The worker's artifact store (its one S3 client, bucket and prefix). */
  store: ArtifactStore;
}

/** The shape every activity registered with Tideflow has. */
export type TaskActivity<I = never, O = unknown> = (input: I, ctx: TaskContext) => Promise<O>;

/** Build the context for the activity now running in this worker. */
export function currentTaskContext(ids: Omit<TaskContext, 'attempt' | 'heartbeat' | 'signal' | 'log'>): TaskContext {
  const ctx = Context.current();
  return {
    ...ids,
    attempt: ctx.info.attempt,
    heartbeat: (details?: unknown) => ctx.heartbeat(details),
    signal: ctx.cancellationSignal,
    log: { info: (m, a) => ctx.log.info(m, a), warn: (m, a) => ctx.log.warn(m, a) },
  };
}

/** Where an activity built around a store gets it: from the task's context, i.e. from its worker. */
export type StoreProvider = (ctx: TaskContext) => ArtifactStore;
export const storeOf: StoreProvider = (ctx) => ctx.store;
