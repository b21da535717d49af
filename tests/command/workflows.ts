/** Workflows module of the runCommand test worker: the real DAGs plus tests/command/dags.ts. */
import { dags } from '../../dags';
import { createDagRouter } from '../../workflows/router';
import { commandTestDags } from './dags';

export default createDagRouter([...dags, ...commandTestDags]);
