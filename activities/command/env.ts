/**
 * The environment a command runs in: a minimal base (not the worker's whole environment, which
 * holds S3 and Temporal credentials), the DAG's non-secret `env`, the worker variables named in
 * `envFromWorker` (secrets, by name only), and TIDEFLOW_* context variables.
 */
import { ConfigError, FailureType } from '../../core/errors';
import { runDateValues } from '../../core/template';
import type { TaskContext } from '../context';

/** From the worker, when set: what most programs need to start. */
const BASE = ['PATH', 'HOME', 'LANG'] as const;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';
/** TIDEFLOW_PARAMS is left out above this size (an environment variable holds at most 128 KiB on Linux). */
const MAX_PARAMS_ENV = 64 * 1024;

export interface ChildEnvParts {
  workerEnv: NodeJS.ProcessEnv;
  /** The DAG's env, already rendered. */
  env: Record<string, string>;
  envFromWorker: string[];
  ctx: TaskContext;
  workDir: string;
  tmpDir: string;
  outputFile: string;
}

/** The secret values passed through, to be masked wherever output leaves the worker. */
export function workerSecrets(workerEnv: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const missing = names.filter((n) => workerEnv[n] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `envFromWorker names ${missing.join(', ')}, not set in this worker's environment (set it where the worker starts, e.g. in .tideflow/env or the container's environment)`,
      { type: FailureType.MissingWorkerEnv },
    );
  }
  return Object.fromEntries(names.map((n) => [n, workerEnv[n] as string]));
}

/** Flat placeholders: `{{ds}}`, `{{run_id}}`, …; also the values of the TIDEFLOW_* variables. */
export function builtinValues(ctx: TaskContext, workDir: string): Record<string, string> {
  return {
    ...runDateValues(ctx),
    // The DAG run's id (the Temporal workflow id), as `tideflow runs show` takes it.
    run_id: ctx.workflowId,
    workflow_id: ctx.workflowId,
    temporal_run_id: ctx.runId,
    dag_id: ctx.dagId,
    task_id: ctx.taskId,
    attempt: String(ctx.attempt),
    map_index: ctx.mapIndex === undefined ? '' : String(ctx.mapIndex),
    work_dir: workDir,
  };
}

export function childEnvironment(p: ChildEnvParts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of BASE) {
    const v = p.workerEnv[name];
    if (v !== undefined) env[name] = v;
  }
  env['PATH'] ??= DEFAULT_PATH;
  env['LANG'] ??= 'C.UTF-8';
  // A private temp dir, removed with the work dir: nothing the command leaves in /tmp piles up.
  env['TMPDIR'] = p.tmpDir;
  // Progress lines of Python scripts reach the log (and heartbeats) as printed, not at exit.
  env['PYTHONUNBUFFERED'] = '1';
  Object.assign(env, p.env);
  for (const n of p.envFromWorker) env[n] = p.workerEnv[n] as string;
  const ctx = p.ctx;
  const params = JSON.stringify(ctx.params ?? {});
  Object.assign(env, {
    TIDEFLOW_DAG_ID: ctx.dagId,
    TIDEFLOW_TASK_ID: ctx.taskId,
    TIDEFLOW_RUN_ID: ctx.workflowId,
    TIDEFLOW_TEMPORAL_RUN_ID: ctx.runId,
    TIDEFLOW_LOGICAL_DATE: ctx.logicalDate,
    TIDEFLOW_DS: ctx.ds,
    TIDEFLOW_DATA_INTERVAL_START: ctx.dataIntervalStart,
    TIDEFLOW_DATA_INTERVAL_END: ctx.dataIntervalEnd,
    TIDEFLOW_ATTEMPT: String(ctx.attempt),
    TIDEFLOW_OUTPUT_FILE: p.outputFile,
    TIDEFLOW_WORK_DIR: p.workDir,
    ...(ctx.mapIndex !== undefined && { TIDEFLOW_MAP_INDEX: String(ctx.mapIndex) }),
    ...(Buffer.byteLength(params) <= MAX_PARAMS_ENV && { TIDEFLOW_PARAMS: params }),
  });
  return env;
}
