/**
 * Starting and inspecting DAG runs from outside a workflow (CLI, tests, benchmark).
 */
import { WorkflowFailedError, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { parseInstant } from '../core/dates';
import type { DagDefinition } from '../core/model';
import type { RunView } from '../core/run-view';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY, type Trigger } from '../core/search-attributes';
import { runQueues } from './run-queues';

export class ParamsError extends Error {
  override name = 'ParamsError';
  constructor(
    readonly dagId: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`Invalid params for DAG '${dagId}':\n${issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

export interface TriggerOptions {
  taskQueue: string;
  params?: Record<string, unknown>;
  logicalDate?: string;
  trigger?: Trigger;
  workflowId?: string;
  /** Recompute cached steps (the run input's `cache: 'refresh'`). */
  noCache?: boolean;
}

/** Validate params here too, so a bad trigger fails before anything is started. */
export function checkParams(dag: DagDefinition, params: Record<string, unknown> = {}): void {
  const result = dag.params.safeParse(params);
  if (!result.success) throw new ParamsError(dag.id, result.error.issues);
}

function manualWorkflowId(dagId: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `${dagId}__manual__${stamp}__${Math.random().toString(36).slice(2, 8)}`;
}

export async function startDagRun(client: Client, dag: DagDefinition, o: TriggerOptions): Promise<WorkflowHandleWithFirstExecutionRunId> {
  checkParams(dag, o.params);
  const logicalDate = o.logicalDate === undefined ? undefined : parseInstant(o.logicalDate);
  if (o.logicalDate !== undefined && !logicalDate)
    throw new Error(`Invalid logical date '${o.logicalDate}': expected ISO-8601, e.g. 2024-01-01 or 2024-01-01T03:00:00Z`);
  const trigger = o.trigger ?? 'manual';
  return client.workflow.start(dag.id, {
    taskQueue: o.taskQueue,
    workflowId: o.workflowId ?? manualWorkflowId(dag.id),
    args: [
      {
        params: o.params ?? {},
        ...(logicalDate && { logicalDate: logicalDate.toISOString() }),
        ...runQueues(),
        ...(o.noCache && { cache: 'refresh' }),
      },
    ],
    typedSearchAttributes: [
      { key: DAG_KEY, value: dag.id },
      { key: TRIGGER_KEY, value: trigger },
      ...(logicalDate ? [{ key: LOGICAL_DATE_KEY, value: logicalDate }] : []),
    ],
  });
}

/**
 * The run's live state from its `state` query (answered by a worker, also for closed runs).
 * For a finished run, `waitForRun` reads the summary from history without needing a worker.
 */
export async function getRunView(client: Client, workflowId: string, runId?: string): Promise<RunView> {
  return client.workflow.getHandle(workflowId, runId).query<RunView>('state');
}

/** Wait for the run to end; returns its summary whether it succeeded or failed. */
export async function waitForRun(handle: WorkflowHandle): Promise<{ view: RunView | undefined; error?: string }> {
  try {
    return { view: (await handle.result()) as RunView };
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause;
      const view = cause instanceof ApplicationFailure ? (cause.details?.[0] as RunView | undefined) : undefined;
      return { view: view && typeof view === 'object' && 'tasks' in view ? view : undefined, error: cause?.message ?? err.message };
    }
    throw err;
  }
}
