/** The per-task state the run scheduler keeps (./scheduler.ts), read by views, the CLI and the workflow. */
import type { TaskState } from './trigger-rules';

export interface MapProgress {
  total: number;
  launched: number;
  running: number;
  succeeded: number;
  failed: number;
  outputs: unknown[];
}

export interface TaskRecord {
  id: string;
  state: TaskState;
  /** Attempts of the last finished activity call (for a mapped task, the most any instance took). */
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  /** Why a task was settled without running, e.g. "not chosen by branch 'gate'". */
  note?: string;
  /**
   * Set when the task's output was not computed by this run but taken from an earlier one:
   * a step-cache hit (`via: 'cache'`) or a re-run from failure reusing the original run's output
   * (`via: 'retry'`). The task's state stays `success`; views show it as cached, with its origin.
   */
  cached?: CachedFrom;
  output?: unknown;
  mapped?: MapProgress;
}

/** Where a reused output came from (shown by the state query, the CLI, the report and the manifest). */
export interface CachedFrom {
  via: 'cache' | 'retry';
  workflowId: string;
  runId: string;
}

export interface Launch {
  taskId: string;
  mapIndex?: number;
}
