/**
 * The closed loop's data: generated rows whose label follows x1 before the drift and x2 after it,
 * ml_retrain's params for them, and drift_monitor's performance settings.
 */

export type Row = { x1: number; x2: number; c: string; y: string };

/** Seeded normal samples (mulberry32 + Box–Muller): the same data every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Before the drift: y follows x1. After: x1 moved by +1.5 and y follows x2 (so v1, which learnt x1, is wrong half the time). */
export function rows(n: number, seed: number, drifted: boolean): Row[] {
  const normal = generator(seed);
  return Array.from({ length: n }, (_, i) => {
    const x1 = normal() + (drifted ? 1.5 : 0);
    const x2 = normal();
    const signal = (drifted ? x2 : x1 - 0) + 0.3 * normal();
    return { x1, x2, c: i % 3 === 0 ? 'b' : 'a', y: signal > 0 ? 'yes' : 'no' };
  });
}

/** ml_retrain on the generated data: one logistic trial, one holdout, the usual accuracy gate. */
export const retrainParams = (modelName: string, source: string) => ({
  modelName,
  source,
  target: 'y',
  task: 'binary',
  positiveClass: 'yes',
  previousRowCount: null,
  schema: {
    columns: {
      y: { type: 'string', nullable: false, categories: ['no', 'yes'] },
      x1: { type: 'number' },
      x2: { type: 'number' },
      c: { type: 'string', categories: ['a', 'b'] },
    },
    minRows: 100,
  },
  features: {
    features: ['x1', 'x2', 'c'],
    steps: [
      { op: 'standardize', columns: ['x1', 'x2'] },
      { op: 'onehot', columns: ['c'], handleUnknown: 'ignore' },
    ],
  },
  search: { strategy: 'grid', space: [{ kind: 'logistic_regression', params: { C: [1] } }] },
  folds: 0,
  thresholds: [
    { metric: 'accuracy', lower: 0.8 },
    { metric: 'accuracy', absoluteChange: -0.02 },
  ],
});

export const performance = {
  labelColumn: 'y',
  task: 'classification',
  probabilityColumn: 'probabilities',
  positiveLabel: 'yes',
  metrics: [
    { name: 'accuracy', maxDrop: 0.1 },
    { name: 'roc_auc', maxDrop: 0.1 },
  ],
};
