/**
 * The README's flights retrain (issue 11): examples/flights-retrain.json, the params of
 * `npx tideflow trigger ml_retrain --params "$(cat examples/flights-retrain.json)"`, go through
 * ml_retrain's params schema as the trigger checks them, and mean what the README says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParamsOption } from '../../cli/commands/trigger';
import { mlRetrainParams } from '../../dags/ml_retrain';
import { expandSearch } from '../../mlops/search-space';

const text = readFileSync(join(__dirname, '../../examples/flights-retrain.json'), 'utf8');

describe('examples/flights-retrain.json', () => {
  it('is a valid --params object for ml_retrain', () => {
    const r = mlRetrainParams.safeParse(parseParamsOption(text));
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  it('derives the target and date parts, cuts at 2001-04-01, and compares gbt on native categoricals with one-hot logistic regression', () => {
    const p = mlRetrainParams.parse(parseParamsOption(text));
    expect(p.source).toBe('npm:vega-datasets/data/flights-3m.parquet');
    expect(p.derive?.['delayed']).toBe('d.delay > 15');
    expect(p.split).toMatchObject({ strategy: 'time', timeColumn: 'date', cutoff: '2001-04-01T00:00:00Z' });
    expect(p.folds).toBe(3);
    const trials = expandSearch(p.search.space, { strategy: 'grid' });
    expect(trials.map((t) => [t.kind, t.pipeline])).toEqual([
      ['gbt', 'native'],
      ['logistic_regression', undefined],
    ]);
    expect(p.pipelines?.['native']?.steps.map((s) => s.op)).toEqual(['categorical']);
    expect(p.features.steps.map((s) => s.op)).toEqual(['standardize', 'onehot']);
  });
});
