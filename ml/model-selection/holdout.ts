/**
 * Holdout validation (`folds: 0`): one seeded split of the train rows into a fitting part and a
 * validation part, stratified for classification (each class keeps its share), plain random for
 * regression. Expressed as fold ids for crossValidate — 0 = validation rows, 1 = fitting rows —
 * scored with `heldOut: [0]`, so a trial costs one fit instead of k.
 */
import type { Task } from '../estimators/types';
import { randomSplit, stratifiedSplit } from './split';

export const HOLDOUT_VALIDATION_FOLD = 0;

export function holdoutFolds(task: Task, y: ArrayLike<number>, validationFraction: number, seed: number): Int32Array {
  const n = y.length;
  const { test } =
    task === 'regression' ? randomSplit(n, validationFraction, seed) : stratifiedSplit(Array.from(y, String), validationFraction, seed);
  const fold = new Int32Array(n).fill(1);
  for (const i of test) fold[i] = HOLDOUT_VALIDATION_FOLD;
  return fold;
}
