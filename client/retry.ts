/**
 * Re-run from failure, from outside a workflow: read the original run's summary (its result, or
 * the failure's details: no worker needed) and start a new run of the same DAG, logical date and
 * params that names the original in `retryOf`. The new run resolves and verifies the outputs it
 * reuses itself (workflows/reuse.ts), so the Web UI and backfills retry the same way; here
 * everything checkable is checked first, so a bad retry never starts a run.
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { DagDefinition } from '../core/model';
import type { RunView } from '../core/run-view';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY } from '../core/search-attributes';
import { planRetry, RetryPlanError, type OriginalRun, type RetryPlan } from '../workflows/retry-plan';
import { runQueues } from './run-queues';
import { checkParams, waitForRun } from './runs';

/** A retry that cannot be started as asked; the message says why. */
export class RetryError extends Error {
  override name = 'RetryError';
  constructor(
    message: string,
    /** Permanent (the request is wrong) or not (a server that did not answer). */
    readonly permanent = true,
  ) {
    super(message);
  }
}

/** The summary's stand-in for an output too large to include (core/run-view.ts). */
function isOmitted(output: unknown): boolean {
  return typeof output === 'object' && output !== null && 'omitted' in output && 'approxBytes' in output;
}

export interface SummaryRun {
  dagId: string;
  workflowId: string;
  runId: string;
  view: RunView;
}

/** The original run's summary from history; RetryError when it has none to retry from. */
export async function readRunSummary(client: Client, workflowId: string, runId?: string): Promise<SummaryRun> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const named = `run '${workflowId}'${runId !== undefined ? ` (run ${runId})` : ''}`;
  let desc;
  try {
    desc = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new RetryError(`no ${named} in namespace '${client.options.namespace}' (or Temporal's retention has deleted it)`);
    throw err;
  }
  const status = desc.status.name;
  if (status === 'RUNNING') throw new RetryError(`${named} is still running: wait for it to end, or cancel it, before retrying it`);
  const { view, error } = await waitForRun(client.workflow.getHandle(workflowId, desc.runId));
  if (!view || (view.status !== 'success' && view.status !== 'failed')) {
    const how = status.toLowerCase().replace(/_/g, ' ');
    throw new RetryError(
      `${named} ended ${how} without a task summary${error !== undefined ? ` (${error})` : ''}: only a run that failed or succeeded can be retried; trigger a new run instead`,
    );
  }
  return { dagId: desc.type, workflowId, runId: desc.runId, view };
}

/** The summary as the retry plan reads it (artifacts not verified here: `unusable` is empty). */
export function originalRunOf(s: SummaryRun, unusable: Record<string, string> = {}): OriginalRun {
  return {
    dagId: s.dagId,
    workflowId: s.workflowId,
    runId: s.runId,
    status: s.view.status === 'success' ? 'success' : 'failed',
    logicalDate: s.view.logicalDate,
    params: s.view.params,
    tasks: s.view.tasks.map((t) => ({
      id: t.id,
      state: t.state,
      ...(t.output !== undefined && { output: t.output }),
      ...(isOmitted(t.output) && { outputOmitted: true }),
      ...(t.cached !== undefined && { cached: t.cached }),
    })),
    unusable,
  };
}

export interface RetryOptions {
  taskQueue: string;
  workflowId: string;
  runId?: string;
  /** Re-run this task and everything downstream of it (default: from the failure). */
  from?: string;
  /** Params over the original's (top-level keys replace the original's). */
  params?: Record<string, unknown>;
  /** Default: a new `<dag>__retry__<stamp>__<rand>` id (never the original's). */
  newWorkflowId?: string;
}

function retryWorkflowId(dagId: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `${dagId}__retry__${stamp}__${Math.random().toString(36).slice(2, 8)}`;
}

export interface StartedRetry {
  handle: WorkflowHandleWithFirstExecutionRunId;
  dagId: string;
  original: OriginalRun;
  /**
   * The plan as the summary shows it; the new run may re-run more (artifacts it finds gone).
   * Undefined when the DAG is not defined here (a CLI older than the worker): the worker plans.
   */
  plan?: RetryPlan;
}

export async function startRetry(client: Client, dags: readonly DagDefinition[], o: RetryOptions): Promise<StartedRetry> {
  const summary = await readRunSummary(client, o.workflowId, o.runId);
  const dagId = summary.dagId;
  const dag = dags.find((d) => d.id === dagId);
  const original = originalRunOf(summary);
  let plan: RetryPlan | undefined;
  if (dag) {
    try {
      plan = planRetry(dag, original, o.from);
    } catch (err) {
      if (err instanceof RetryPlanError) throw new RetryError(err.message);
      throw err;
    }
    checkParams(dag, { ...(original.params as Record<string, unknown>), ...o.params });
  }
  const newWorkflowId = o.newWorkflowId ?? retryWorkflowId(dagId);
  if (newWorkflowId === o.workflowId) throw new RetryError(`a retry gets a new workflow id, not the original's ('${o.workflowId}')`);
  const handle = await client.workflow.start(dagId, {
    taskQueue: o.taskQueue,
    workflowId: newWorkflowId,
    args: [
      {
        retryOf: { workflowId: original.workflowId, runId: original.runId },
        ...(o.from !== undefined && { from: o.from }),
        ...(o.params !== undefined && Object.keys(o.params).length > 0 && { params: o.params }),
        ...runQueues(),
      },
    ],
    typedSearchAttributes: [
      { key: DAG_KEY, value: dagId },
      { key: TRIGGER_KEY, value: 'manual' },
      { key: LOGICAL_DATE_KEY, value: new Date(original.logicalDate) },
    ],
  });
  return { handle, dagId, original, ...(plan && { plan }) };
}
