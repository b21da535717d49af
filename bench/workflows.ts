/**
 * The workflows module the benchmark's in-process worker bundles: the DAG router over the
 * bench DAGs (ml-pipeline's ml_retrain among them), plus the plain-Temporal baseline.
 *
 * The chain DAG's length is chosen at run time (`--tasks`), after bundling, so the router is
 * built per run over the one DAG the workflow type names (`bench_chain_<n>`); an unknown type
 * gets the router's usual UnknownDag failure.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { RunView } from '../core/run-view';
import { createBackfillWorkflow } from '../workflows/backfill';
import { createDagRouter } from '../workflows/router';
import { backfillBenchDag } from './backfill-dag';
import { chainDagForType } from './chain-dag';
import mlRetrain from '../dags/ml_retrain';
import { mlCacheDag } from './ml-cache-dag';

export { plainChain } from '../workflows/plain-chain';
/** The serve benchmark's canary. */
export { rollout } from '../workflows/rollout/workflow';
/** The backfill benchmark's durable backfill, over its one DAG. */
export const tideflowBackfill = createBackfillWorkflow([backfillBenchDag]);

export default async function benchDagWorkflow(input?: unknown): Promise<RunView> {
  const type = workflowInfo().workflowType;
  const chain = chainDagForType(type);
  const dags = chain
    ? [chain]
    : type === backfillBenchDag.id
      ? [backfillBenchDag]
      : type === mlRetrain.id
        ? [mlRetrain]
        : type === mlCacheDag.id
          ? [mlCacheDag]
          : [];
  return createDagRouter(dags)(input);
}
