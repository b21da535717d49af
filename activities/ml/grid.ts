/** expand_grid: the declared hyperparameter grid as a list, one item per tune instance. */
import type { TaskContext } from '../context';
import { expandGrid, type Grid } from './lib/search';
import type { TrialConfig } from './types';

export async function expandHyperparameterGrid(input: { grid: Grid }, ctx: TaskContext): Promise<TrialConfig[]> {
  const configs = expandGrid(input.grid);
  ctx.log.info('expanded grid', { candidates: configs.length });
  return configs;
}
