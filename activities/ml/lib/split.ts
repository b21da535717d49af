/**
 * Seeded, stratified partitions of row indices: the train/test split and the k folds of
 * cross-validation. Each class is shuffled on its own, so every part keeps the class mix.
 */
import { createRng, shuffled } from './random';

export interface SplitIndices {
  /** Row indices, ascending. */
  train: number[];
  test: number[];
}

/** Row indices of each label, labels in sorted order (so the result does not depend on row order). */
export function indicesByClass(labels: readonly string[]): Map<string, number[]> {
  const byClass = new Map<string, number[]>();
  for (const label of [...new Set(labels)].sort()) byClass.set(label, []);
  labels.forEach((label, i) => byClass.get(label)?.push(i));
  return byClass;
}

/**
 * Split rows into train and test, `testFraction` of each class (rounded) going to test.
 * A class with at least two rows keeps at least one row on each side.
 */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): SplitIndices {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const rand = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of indicesByClass(labels).values()) {
    const order = shuffled(rows, rand);
    const wanted = Math.round(order.length * testFraction);
    const nTest = order.length < 2 ? 0 : Math.min(order.length - 1, Math.max(1, wanted));
    test.push(...order.slice(0, nTest));
    train.push(...order.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * Assign each row to one of `k` folds: each class is shuffled and dealt round-robin, the deal
 * continuing across classes, so fold sizes differ by at most one and each fold keeps the class mix.
 * Returns the fold number of each row.
 */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${k}`);
  if (k > labels.length) throw new RangeError(`cannot make ${k} folds of ${labels.length} rows`);
  const rand = createRng(seed);
  const fold = new Array<number>(labels.length).fill(0);
  let dealt = 0;
  for (const rows of indicesByClass(labels).values()) {
    for (const row of shuffled(rows, rand)) fold[row] = dealt++ % k;
  }
  return fold;
}
