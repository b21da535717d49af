/** The workflows module the worker bundles: the DAG router for every DAG in dags/, plus the bench baseline. */
import { dags } from '../dags';
import { createDagRouter } from './router';

export { plainChain } from './plain-chain';
export default createDagRouter(dags);
