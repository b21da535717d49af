/** The workflows module the worker bundles: the DAG router for every DAG in dags/, plus the bench baseline. */
import { dags } from '../dags';
import { createBackfillWorkflow } from './backfill';
import { createDagRouter } from './router';

export { plainChain } from './plain-chain';
export const tideflowBackfill = createBackfillWorkflow(dags);
export default createDagRouter(dags);
export { tideflowRetrainController } from './retrain-controller';
export { rollout } from './rollout/workflow';
