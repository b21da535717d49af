import { describe, expect, it } from 'vitest';
import { expandGrid, pickBestTrial } from '../../activities/ml/lib/search';
import type { TrialResult } from '../../activities/ml/types';

describe('hyperparameter search', () => {
  it('expands the grid as a cartesian product, l2 outermost', () => {
    const configs = expandGrid({ l2: [0.1, 1], learningRate: [0.5, 0.1], epochs: [100] });
    expect(configs).toEqual([
      { index: 0, l2: 0.1, learningRate: 0.5, epochs: 100 },
      { index: 1, l2: 0.1, learningRate: 0.1, epochs: 100 },
      { index: 2, l2: 1, learningRate: 0.5, epochs: 100 },
      { index: 3, l2: 1, learningRate: 0.1, epochs: 100 },
    ]);
    expect(() => expandGrid({ l2: [], learningRate: [0.1], epochs: [1] })).toThrow(RangeError);
  });

  const trial = (index: number, cvAccuracy: number, cvLogLoss: number): TrialResult => ({
    config: { index, l2: 0, learningRate: 0.1, epochs: 1 },
    cvAccuracy,
    cvLogLoss,
    foldAccuracies: [],
  });

  it('picks by the declared metric, breaking ties by the other metric, then by grid order', () => {
    const trials = [trial(2, 0.9, 0.2), trial(0, 0.95, 0.3), trial(1, 0.95, 0.25), trial(3, 0.95, 0.25)];
    expect(pickBestTrial(trials, 'cvAccuracy').config.index).toBe(1);
    expect(pickBestTrial(trials, 'cvLogLoss').config.index).toBe(2);
    expect(pickBestTrial([...trials].reverse(), 'cvAccuracy').config.index).toBe(1);
    expect(() => pickBestTrial([], 'cvAccuracy')).toThrow(RangeError);
  });
});
