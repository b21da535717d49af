/**
 * Re-run from failure, the decision (pure; used by the workflow and, for early errors, the CLI):
 * which tasks of a new run take the original run's outputs and which run again.
 *
 * Re-run: every task the original did not finish successfully (failed, upstream_failed, never
 * started), the `from` task, every successful task whose output cannot be reused (left out of
 * the run summary for its size, or referencing an artifact that is gone or no longer matches its
 * sha256), a task the DAG gained since — and everything downstream of those, through data reads
 * too. Every other successful task is reused. Tasks the original skipped are decided again (a
 * reused branch point re-applies its choice), as are empty tasks, which cost nothing.
 */
import { topologicalOrder } from '../core/graph';
import type { DagDefinition } from '../core/model';
import type { CachedFrom } from '../core/scheduler';
import type { TaskState } from '../core/trigger-rules';

export interface RetryOrigin {
  workflowId: string;
  runId: string;
}

/** What the worker found of the original run (its summary, with artifacts verified). */
export interface OriginalRun extends RetryOrigin {
  dagId: string;
  status: 'success' | 'failed';
  logicalDate: string;
  params: unknown;
  tasks: { id: string; state: TaskState; output?: unknown; outputOmitted?: boolean; cached?: CachedFrom }[];
  /** Successful tasks whose referenced artifacts are missing or corrupted, with why. */
  unusable: Record<string, string>;
  /** The artifacts each successful task's output references (for the new run's manifest). */
  artifacts?: Record<string, { uri: string; bytes: number; sha256: string }[]>;
}

export interface ReusedOutput {
  output: unknown;
  /** The run that computed it: the original, or the run the original itself reused it from. */
  cached: CachedFrom;
}

export interface RetryPlan {
  reuse: Record<string, ReusedOutput>;
  /** Tasks that run again, in topological order. */
  rerun: string[];
  /** Why a task the original finished successfully runs again. */
  notes: Record<string, string>;
}

/** A retry that cannot be made as asked (the message says what to change). */
export class RetryPlanError extends Error {
  override name = 'RetryPlanError';
}

function downstreamWithReads(dag: DagDefinition): Map<string, string[]> {
  const down = new Map<string, string[]>(dag.tasks.map((t) => [t.id, []]));
  for (const t of dag.tasks) for (const u of new Set([...t.upstream, ...(t.reads ?? [])])) down.get(u)?.push(t.id);
  return down;
}

export function planRetry(dag: DagDefinition, original: OriginalRun, from?: string): RetryPlan {
  const ids = dag.tasks.map((t) => t.id);
  if (original.dagId !== dag.id)
    throw new RetryPlanError(`run '${original.workflowId}' is a run of DAG '${original.dagId}', not of '${dag.id}'`);
  if (from !== undefined && !ids.includes(from))
    throw new RetryPlanError(`unknown task '${from}' to re-run from: DAG '${dag.id}' has tasks ${ids.join(', ')}`);
  if (original.status === 'success' && from === undefined)
    throw new RetryPlanError(
      `run '${original.workflowId}' (run ${original.runId}) succeeded: there is no failure to re-run from. ` +
        `Name the task to re-run with everything downstream of it (--from <task>, or "from" in the workflow input)`,
    );
  const byId = new Map(original.tasks.map((t) => [t.id, t]));
  const notes: Record<string, string> = {};
  const seeds = new Set<string>();
  if (from !== undefined) seeds.add(from);
  for (const id of ids) {
    const t = byId.get(id);
    if (!t) {
      seeds.add(id);
      notes[id] = 'not in the original run';
    } else if (t.state === 'skipped') continue;
    else if (t.state !== 'success') seeds.add(id);
    else if (t.outputOmitted) {
      seeds.add(id);
      notes[id] = 'output too large for the original run summary';
    } else if (original.unusable[id] !== undefined) {
      seeds.add(id);
      notes[id] = original.unusable[id];
    }
  }
  const down = downstreamWithReads(dag);
  const rerunSet = new Set<string>();
  const stack = [...seeds];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (rerunSet.has(id)) continue;
    rerunSet.add(id);
    stack.push(...(down.get(id) ?? []));
  }
  // Empty tasks settle in the workflow at no cost: decided again, neither reused nor listed.
  const withActivity = new Set(dag.tasks.filter((t) => t.activity !== undefined).map((t) => t.id));
  const order = (topologicalOrder(dag.tasks) ?? ids).filter((id) => withActivity.has(id));
  const reuse: Record<string, ReusedOutput> = {};
  for (const id of order) {
    const t = byId.get(id);
    if (rerunSet.has(id) || t?.state !== 'success') continue;
    const cached: CachedFrom =
      t.cached?.via === 'retry'
        ? { via: 'retry', workflowId: t.cached.workflowId, runId: t.cached.runId }
        : { via: 'retry', workflowId: original.workflowId, runId: original.runId };
    reuse[id] = { output: t.output, cached };
  }
  return { reuse, rerun: order.filter((id) => rerunSet.has(id)), notes };
}
