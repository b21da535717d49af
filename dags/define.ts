/** `defineDag` bound to this project's activities: DAG files import it from here. */
import { createDagDefiner } from '../core/define';
import type { Activities } from '../activities';

export const defineDag = createDagDefiner<Activities>();
