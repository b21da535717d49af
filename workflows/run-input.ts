/**
 * The workflow input of a DAG run: its schema, and the checks that reject a bad run before any
 * task starts (unknown keys, params the DAG's schema refuses, task options the params set wrong).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { parseInstant } from '../core/dates';
import type { DagDefinition, RunSettings } from '../core/model';
import { taskOptionProblems } from '../core/validate';
import { localTaskProblems } from '../core/local-tasks';
import { runOptionsOf } from './task-options';

/** The workflow input, as the CLI sends it and as a person types it in the Web UI. */
export interface DagRunInput {
  params?: Record<string, unknown>;
  logicalDate?: string;
  /**
   * Task queues by role, from the starter's configuration (e.g. `{ml: TIDEFLOW_ML_TASK_QUEUE}`):
   * workflow code cannot read the environment, so the starter passes what it configures.
   */
  queues?: Record<string, string>;
  /** Re-run from failure (workflows/reuse.ts): the run to retry, and optionally the task to re-run from. */
  retryOf?: { workflowId: string; runId?: string };
  from?: string;
  /** 'refresh': recompute cached steps (README, Step caching). */
  cache?: 'refresh';
}

const inputSchema = z
  .strictObject({
    params: z.record(z.string(), z.unknown()).optional(),
    logicalDate: z.string().optional(),
    queues: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.string().min(1)).optional(),
    /** 'refresh': cached steps recompute (and rewrite the cache) in this run (`tideflow trigger --no-cache`). */
    cache: z.literal('refresh').optional(),
  })
  .optional();

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/**
 * The retraining controller adds `driftAlerts` and `modelName` to the params of every retrain it
 * starts, whatever the DAG; a DAG that does not declare them ignores them (any other unknown key
 * is an error). Only runs carrying `driftAlerts`, which nothing but the controller sets, qualify.
 */
function withoutUndeclaredControllerKeys(dag: DagDefinition, params: Record<string, unknown>): Record<string, unknown> {
  if (!('driftAlerts' in params) || !(dag.params instanceof z.ZodObject)) return params;
  const declared = new Set(Object.keys(dag.params.shape));
  return Object.fromEntries(Object.entries(params).filter(([k]) => declared.has(k) || !['driftAlerts', 'modelName'].includes(k)));
}

export interface ParsedInput {
  params: unknown;
  logicalDate?: Date;
  settings: RunSettings;
}

export function parseInput(dag: DagDefinition, raw: unknown): ParsedInput {
  const input = inputSchema.safeParse(raw ?? undefined);
  if (!input.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid input for DAG '${dag.id}': ${issuesText(input.error)}. Expected {"params": {...}, "logicalDate": "ISO-8601", "queues": {"ml": "<task queue>"}}, all optional.`,
      'InvalidRunInput',
    );
  }
  const params = dag.params.safeParse(withoutUndeclaredControllerKeys(dag, input.data?.params ?? {}));
  if (!params.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid params for DAG '${dag.id}': ${issuesText(params.error)}`,
      'InvalidParams',
      params.error.issues,
    );
  }
  const settings: RunSettings = { queues: input.data?.queues ?? {} };
  checkRunOptions(dag, params.data, settings);
  const rawDate = input.data?.logicalDate;
  if (rawDate === undefined) return { params: params.data, settings };
  const logicalDate = parseInstant(rawDate);
  if (!logicalDate) {
    throw ApplicationFailure.nonRetryable(
      `Invalid logicalDate '${rawDate}' for DAG '${dag.id}': expected an ISO-8601 date`,
      'InvalidRunInput',
    );
  }
  return { params: params.data, logicalDate, settings };
}

/** Options the params set must be valid before any task runs (a bad duration would otherwise fail mid-run). */
function checkRunOptions(dag: DagDefinition, params: unknown, settings: RunSettings): void {
  const problems: string[] = [];
  for (const spec of dag.tasks) {
    if (!spec.runOptions) continue;
    try {
      const run = runOptionsOf(spec, params, settings);
      taskOptionProblems(run, (m) => problems.push(`task '${spec.id}': ${m}`));
      for (const m of localTaskProblems(dag, spec, run)) problems.push(`task '${spec.id}': ${m}`);
    } catch (err) {
      problems.push(`task '${spec.id}': runOptions threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(`Invalid params for DAG '${dag.id}': ${problems.join('; ')}`, 'InvalidParams');
  }
}
