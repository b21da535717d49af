/**
 * Hyperparameter search helpers: expand a declared grid into candidates, and pick the best
 * trial by a declared metric with a deterministic tie-break.
 */
import type { SelectionMetric, TrialConfig, TrialResult } from '../types';

export interface Grid {
  l2: number[];
  learningRate: number[];
  epochs: number[];
}

/** Cartesian product, l2 outermost; `index` is the position in this order. */
export function expandGrid(grid: Grid): TrialConfig[] {
  const out: TrialConfig[] = [];
  for (const l2 of grid.l2) for (const learningRate of grid.learningRate) for (const epochs of grid.epochs) out.push({ index: out.length, l2, learningRate, epochs });
  if (out.length === 0) throw new RangeError('the hyperparameter grid is empty (every axis needs at least one value)');
  return out;
}

/**
 * The best trial: highest cvAccuracy or lowest cvLogLoss; ties go to the other metric, then
 * to the lower grid index, so the choice never depends on the order trials finished in.
 */
export function pickBestTrial(trials: readonly TrialResult[], metric: SelectionMetric): TrialResult {
  const better = (a: TrialResult, b: TrialResult): boolean => {
    const acc = a.cvAccuracy - b.cvAccuracy;
    const loss = b.cvLogLoss - a.cvLogLoss;
    const [first, second] = metric === 'cvAccuracy' ? [acc, loss] : [loss, acc];
    if (first !== 0) return first > 0;
    if (second !== 0) return second > 0;
    return a.config.index < b.config.index;
  };
  let best: TrialResult | undefined;
  for (const t of trials) if (!best || better(t, best)) best = t;
  if (!best) throw new RangeError('no trials to choose from');
  return best;
}
