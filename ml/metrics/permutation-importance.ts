/**
 * Permutation importance (scikit-learn 1.2.1's `sklearn.inspection.permutation_importance`): the
 * drop of a score when one input column is shuffled, breaking its link with the target while
 * keeping its distribution. For each column, from the unshuffled frame: `nRepeats` times, shuffle
 * an index array in place and reorder the column by it — cumulatively, as sklearn does
 * (`X[:, c] = X[shuffling_idx, c]` on the already-shuffled copy) — and record
 * `baseline − score`. Every column sees the same sequence of shuffles (sklearn seeds each column's
 * RandomState with one shared seed). Importance = mean and population std of the drops.
 *
 * The shuffles come from `shuffle` (default: Fisher–Yates driven by ml/stats' seeded generator;
 * numpy's Mersenne Twister is not reproduced, so sklearn parity is tested by injecting its
 * permutations). Columns are of the raw input frame, so a one-hot-encoded column is one feature.
 * `score` is "higher is better" (pass −loss for losses), as sklearn's scorers are.
 */
import { takeRows, type Frame, type FrameColumn } from '../frame/frame';
import { createRng } from '../stats/random';
import { InputError } from '../../core/errors';

export interface PermutationImportanceOptions {
  /** Input columns to permute, one at a time. */
  columns: readonly string[];
  /** Higher is better. Called once on the frame, then nRepeats times per column. */
  score: (frame: Frame) => number;
  /** Default 5, as sklearn. */
  nRepeats?: number;
  /** Seed of the default shuffles; default 0. */
  seed?: number;
  /** Score at most this many rows (a seeded sample without replacement); default all. */
  maxSamples?: number;
  /** Shuffles `idx` in place for repeat `r` (0-based); called with a fresh 0..n−1 array per column. */
  shuffle?: (idx: Int32Array, repeat: number) => void;
}

export interface FeaturePermutationImportance {
  name: string;
  /** Mean of baseline − permuted score over the repeats. */
  mean: number;
  /** Population standard deviation (numpy's np.std) of the drops. */
  std: number;
  drops: number[];
}

export interface PermutationImportance {
  baseline: number;
  rows: number;
  nRepeats: number;
  features: FeaturePermutationImportance[];
}

/** A seeded in-place Fisher–Yates shuffle; the same seed gives each column the same sequence. */
function seededShuffle(seed: number): (idx: Int32Array) => void {
  const rand = createRng(seed);
  return (idx) => {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = idx[i] as number;
      idx[i] = idx[j] as number;
      idx[j] = t;
    }
  };
}

function reorder(col: FrameColumn, idx: Int32Array): FrameColumn {
  if (col.type === 'string') return { ...col, values: Array.from(idx, (i) => col.values[i] ?? null) };
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = col.values[idx[i] as number] as number;
  return { ...col, values: out };
}

export function permutationImportance(frame: Frame, o: PermutationImportanceOptions): PermutationImportance {
  const nRepeats = o.nRepeats ?? 5;
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new InputError(`nRepeats must be an integer ≥ 1, got ${nRepeats}`);
  const seed = o.seed ?? 0;
  let data = frame;
  if (o.maxSamples !== undefined && o.maxSamples < frame.rows) {
    if (!Number.isInteger(o.maxSamples) || o.maxSamples < 1) throw new InputError(`maxSamples must be an integer ≥ 1, got ${o.maxSamples}`);
    const idx = Int32Array.from({ length: frame.rows }, (_, i) => i);
    seededShuffle(seed ^ 0x5bd1e995)(idx);
    data = takeRows(frame, idx.subarray(0, o.maxSamples).sort());
  }
  const positions = new Map(data.columns.map((c, i) => [c.name, i]));
  for (const c of o.columns)
    if (!positions.has(c))
      throw new InputError(`permutation importance: column '${c}' is not in the frame (columns: ${[...positions.keys()].join(', ')})`);
  const baseline = o.score(data);
  const features = o.columns.map((name): FeaturePermutationImportance => {
    const at = positions.get(name) as number;
    const shuffle =
      o.shuffle ??
      ((): ((idx: Int32Array, r: number) => void) => {
        const s = seededShuffle(seed);
        return (idx) => s(idx);
      })();
    const idx = Int32Array.from({ length: data.rows }, (_, i) => i);
    const columns = [...data.columns];
    const drops: number[] = [];
    for (let r = 0; r < nRepeats; r++) {
      shuffle(idx, r);
      columns[at] = reorder(columns[at] as FrameColumn, idx);
      drops.push(baseline - o.score({ rows: data.rows, columns }));
    }
    const mean = drops.reduce((s, d) => s + d, 0) / nRepeats;
    const std = Math.sqrt(drops.reduce((s, d) => s + (d - mean) ** 2, 0) / nRepeats);
    return { name, mean, std, drops };
  });
  return { baseline, rows: data.rows, nRepeats, features };
}
