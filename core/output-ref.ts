import type { RunIdentity } from './model';

/**
 * A task output too large for workflow history travels through S3; the workflow only sees
 * this small reference. `length` is set for list outputs so a fan-out can size itself.
 */
export interface OutputRef {
  $tideflowRef: 1;
  /** s3://bucket/key */
  uri: string;
  bytes: number;
  sha256: string;
  length?: number;
}

export function isOutputRef(value: unknown): value is OutputRef {
  return typeof value === 'object' && value !== null && (value as { $tideflowRef?: unknown }).$tideflowRef === 1;
}

/** What a task activity returns to the workflow: the output (inline or by reference) and how many attempts it took. */
export interface TaskResult {
  output?: unknown;
  attempt: number;
  /** A step-cache hit: the output was recorded by this earlier run (activities/cache); set on TaskRecord.cached (./scheduler.ts). */
  cached?: { via: 'cache' | 'retry'; workflowId: string; runId: string };
}

/** What the workflow sends to a task activity; the worker turns it into the activity's real input. */
export interface TaskInvocation extends RunIdentity {
  /** Direct upstream outputs (inline values or OutputRefs); for a mapped task, without the fanned-out list. */
  upstream: Record<string, unknown>;
  /** Mapped tasks only: the item (inline) or where to find it. */
  map?: { index: number; item?: unknown; itemRef?: OutputRef };
  /** The run asked to recompute cached steps (`--no-cache`, input `cache: 'refresh'`); they still write the cache. */
  cache?: 'refresh';
}
