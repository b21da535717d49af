/**
 * A generated binary classification dataset of any size: eight numeric features, one category
 * with eight levels, a `label` ('yes' / 'no') drawn from a logistic model of them. Big enough
 * at 300k rows that a 100-iteration gradient boosting fit takes tens of seconds on this machine.
 */
import type { Frame } from '../../ml/frame/frame';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import { createRng } from '../../ml/stats/random';

export const NUMERIC_FEATURES = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'];
const REGIONS = ['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw'];

export function syntheticFrame(rows: number, seed = 1): Frame {
  const r = createRng(seed); // mulberry32: every run sees the same rows
  const xs = NUMERIC_FEATURES.map(() => new Float64Array(rows));
  const region = new Array<string | null>(rows);
  const label = new Array<string | null>(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    xs.forEach((col, j) => {
      const v = r() * 2 - 1;
      col[i] = v;
      z += (j % 2 === 0 ? 1 : -0.5) * v * v + 0.3 * v;
    });
    const k = Math.floor(r() * REGIONS.length);
    region[i] = REGIONS[k] ?? null;
    z += (k - 3.5) * 0.2;
    label[i] = r() < 1 / (1 + Math.exp(-2 * z)) ? 'yes' : 'no';
  }
  return {
    rows,
    columns: [
      ...NUMERIC_FEATURES.map((name, j) => ({ name, type: 'number' as const, values: xs[j] as Float64Array })),
      { name: 'region', type: 'string', values: region },
      { name: 'label', type: 'string', values: label },
    ],
  };
}

export const SYNTHETIC_FEATURES: FeaturePipelineSpecInput = {
  features: [...NUMERIC_FEATURES, 'region'],
  steps: [{ op: 'onehot', columns: ['region'], handleUnknown: 'ignore' }],
};
