/** What bench/main.ts hands each benchmark, and what a benchmark hands back. */
import type { Client } from '@temporalio/client';
import type { ActivityRegistry } from '../activities/task-runner';
import type { TideflowConfig } from '../config/env';
import type { DagDefinition } from '../core/model';

export interface BenchOptions {
  /** Tasks per chain (`--tasks`). */
  tasks: number;
  /** Measured runs of each kind, after the warm-up (`--runs`). */
  runs: number;
  /** Run only these benchmarks (`--only`, repeatable or comma-separated); empty = all. */
  only: string[];
  /** Reuse this Temporal server instead of starting a stack (`--address host:port`). */
  address: string | undefined;
  /** Run the own stack's dev server without TUNED_DYNAMIC_CONFIG (`--stock-server`). */
  stockServer: boolean;
  /** Extra `KEY=VALUE` dynamic config for the own stack's dev server (`--dynamic-config`). */
  dynamicConfig: string[];
  json: boolean;
  verbose: boolean;
  /** ml-pipeline: keep about this many rows (`--rows`); undefined = the full size. */
  rows?: number | undefined;
}

/** What the results were measured against; benchmarks copy it into their result. */
export interface ServerInfo {
  kind: 'own-stack' | 'existing';
  address: string;
  dynamicConfig: readonly string[];
}

export interface BenchContext {
  client: Client;
  /** The in-process worker's queue; unique to this bench process. */
  taskQueue: string;
  options: BenchOptions;
  server: ServerInfo;
  /** Progress, to stderr. */
  log: (line: string) => void;
  /** Aborted on Ctrl-C / SIGTERM; benchmarks stop at the next run boundary. */
  signal: AbortSignal;
  /** The stack's configuration (S3 for benchmarks that run their own processes against it). */
  config: TideflowConfig;
}

export interface BenchOutcome {
  /** JSON-serialisable; becomes `{ [name]: result }` in the `--json` line. */
  result: unknown;
  /** The human-readable report (a table and verdicts). */
  report: string;
}

export interface Benchmark {
  /** Key of the result in the JSON output and the value `--only` matches. */
  name: string;
  title: string;
  /** DAGs this benchmark runs; registered with the in-process worker before any benchmark starts. */
  dags?(options: BenchOptions): DagDefinition[];
  /** Activities of its own or overriding the project's (which, with noop, the in-process worker always registers). */
  activities?(): ActivityRegistry;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
