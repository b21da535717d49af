/**
 * Partitions of row indices: the seeded train/test split (stratified — each class shuffled on
 * its own, so every part keeps the class mix — or plain random), the k folds of cross-validation,
 * and the time-based split (train earlier, test later).
 */
import { InputError } from '../../core/errors';
import { createRng, shuffled } from '../stats/random';

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
  if (!(testFraction > 0 && testFraction < 1)) throw new InputError(`testFraction must be in (0, 1), got ${testFraction}`);
  const rand = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of indicesByClass(labels).values()) {
    const order = shuffled(rows, rand);
    const wanted = Math.round(order.length * testFraction);
    const nTest = order.length < 2 ? 0 : Math.min(order.length - 1, Math.max(1, wanted));
    // A loop, not push(...rows): spreading a class of a few hundred thousand rows overflows the stack.
    for (let k = 0; k < order.length; k++) (k < nTest ? test : train).push(order[k] as number);
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * Assign each row to one of `k` folds: each class is shuffled and dealt round-robin, the deal
 * continuing across classes, so fold sizes differ by at most one and each fold keeps the class mix.
 * Returns the fold number of each row.
 */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new InputError(`folds must be an integer ≥ 2, got ${k}`);
  if (k > labels.length) throw new InputError(`cannot make ${k} folds of ${labels.length} rows`);
  const rand = createRng(seed);
  const fold = new Array<number>(labels.length).fill(0);
  let dealt = 0;
  for (const rows of indicesByClass(labels).values()) {
    for (const row of shuffled(rows, rand)) fold[row] = dealt++ % k;
  }
  return fold;
}

/** Rows sent to test for a fraction: rounded, but at least one row on each side when there are two rows or more. */
function testCount(n: number, testFraction: number): number {
  if (!(testFraction > 0 && testFraction < 1)) throw new InputError(`testFraction must be in (0, 1), got ${testFraction}`);
  if (n < 2) throw new InputError(`cannot split ${n} row${n === 1 ? '' : 's'} into train and test`);
  return Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
}

/** Split rows 0..n-1 at random (not stratified): `round(n · testFraction)` rows, at least one, go to test. Deterministic for a seed. */
export function randomSplit(n: number, testFraction: number, seed: number): SplitIndices {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`row count must be a non-negative integer, got ${n}`);
  const nTest = testCount(n, testFraction);
  const order = shuffled(
    Array.from({ length: n }, (_, i) => i),
    createRng(seed),
  );
  // Mark, then collect in row order: ascending without sorting.
  const inTest = new Uint8Array(n);
  for (let k = 0; k < nTest; k++) inTest[order[k] as number] = 1;
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (inTest[i] ? test : train).push(i);
  return { train, test };
}

/** An instant for a message (a number beyond Date's range is printed as it is). */
function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export interface TimeSplitOptions {
  /** Share of the rows, the latest ones, to send to test (the boundary then moves so ties stay together). */
  testFraction?: number;
  /** Epoch ms: rows at or after it are test, rows before it are train. */
  cutoff?: number;
  /** Rows without a timestamp: an error (default), or left out of both sides ('exclude'). */
  missing?: 'error' | 'exclude';
  /** Column name, for error messages. */
  column?: string;
}

export interface TimeSplit extends SplitIndices {
  /** Epoch ms of the boundary: train < cutoff ≤ test. */
  cutoff: number;
  /** Rows left out for having no timestamp (with missing: 'exclude'). */
  excluded: number[];
}

/**
 * Split by time: train = the earlier rows, test = the later ones, with `train < cutoff ≤ test`,
 * so rows sharing a timestamp are never split. Give either `cutoff` (epoch ms) or `testFraction`;
 * with a fraction the cutoff is the timestamp of the first test row in time order, so when the
 * boundary falls inside a run of equal timestamps the whole run goes to test. Indices ascending.
 */
export function timeSplit(timestamps: Float64Array, o: TimeSplitOptions): TimeSplit {
  const what = o.column ? `timestamp column '${o.column}'` : 'timestamps';
  if ((o.cutoff === undefined) === (o.testFraction === undefined))
    throw new InputError('timeSplit: give exactly one of cutoff and testFraction');
  const present: number[] = [];
  const excluded: number[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    if (Number.isFinite(timestamps[i])) present.push(i);
    else excluded.push(i);
  }
  if (excluded.length > 0 && o.missing !== 'exclude') {
    throw new InputError(
      `timeSplit: ${what} has ${excluded.length} row${excluded.length === 1 ? '' : 's'} without a valid time (first: row ${excluded[0]}); drop them or pass missing: 'exclude'`,
    );
  }
  const t = (i: number): number => timestamps[i] as number;
  let cutoff: number;
  if (o.cutoff !== undefined) {
    if (!Number.isFinite(o.cutoff)) throw new InputError(`timeSplit: cutoff must be epoch milliseconds, got ${o.cutoff}`);
    cutoff = o.cutoff;
  } else {
    const sorted = Float64Array.from(present, t).sort();
    const nTest = testCount(sorted.length, o.testFraction as number);
    cutoff = sorted[sorted.length - nTest] as number;
  }
  const train = present.filter((i) => t(i) < cutoff);
  const test = present.filter((i) => t(i) >= cutoff);
  if (train.length === 0 || test.length === 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of present) {
      lo = Math.min(lo, t(i));
      hi = Math.max(hi, t(i));
    }
    const range = present.length ? `${iso(lo)} … ${iso(hi)}` : 'none';
    const side = train.length === 0 ? 'train' : 'test';
    throw new InputError(
      `timeSplit: the ${side} side is empty (cutoff ${iso(cutoff)}; ${what} span ${range}${o.testFraction !== undefined ? '; every row has the same time' : ''})`,
    );
  }
  return { train, test, cutoff, excluded };
}
