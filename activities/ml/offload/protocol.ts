/** Messages between an activity and the thread running its computation (one job per thread). */
import type { SerializedError } from './errors';

/** What the thread receives as workerData. */
export interface ThreadData {
  /** The module that runs the job (./thread-main.ts) and, for a .ts entry, tsx's CommonJS register API. */
  entry: string;
  tsxApi: string | null;
  job: string;
  input: unknown;
}

export type ThreadMessage =
  { type: 'progress'; details: unknown } | { type: 'result'; value: unknown } | { type: 'error'; error: SerializedError };
