/**
 * One workflow type per DAG, named after the DAG: a dynamic workflow (the module's default
 * export) receives every type the worker has no named export for and runs the DAG of that name.
 * So the Web UI starts a DAG by typing its id as the workflow type.
 */
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import type { DagDefinition } from '../core/model';
import type { RunView } from '../core/run-view';
import { runDag } from './run-dag';

export function createDagRouter(dags: readonly DagDefinition[]): (input?: unknown) => Promise<RunView> {
  const byId = new Map(dags.map((d) => [d.id, d]));
  return async function dagWorkflow(input?: unknown): Promise<RunView> {
    const type = workflowInfo().workflowType;
    const dag = byId.get(type);
    if (!dag) {
      throw ApplicationFailure.nonRetryable(
        `No DAG named '${type}' on this worker. Known DAGs: ${[...byId.keys()].sort().join(', ') || 'none'}`,
        'UnknownDag',
      );
    }
    return runDag(dag, input);
  };
}
