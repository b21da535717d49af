/**
 * Unknown param keys are rejected at every level of every DAG's params (issue 14, item 11),
 * naming the nearest known key: a misspelt `modelNmae` must not train a default model.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDagDefiner } from '../../core/define';
import { nearestKey } from '../../core/strict-params';
import { dags } from '../../dags';
import { mlRetrainParams } from '../../dags/ml_retrain';

const messages = (schema: z.ZodType, value: unknown): string[] => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('unknown param keys', () => {
  it.each(dags.map((d) => [d.id, d] as const))('DAG %s rejects an unknown top-level key and accepts its defaults', (_id, dag) => {
    expect(dag.params.safeParse({}).success).toBe(true);
    expect(messages(dag.params, { nonsenseKey: 1 }).join('\n')).toContain("unknown key 'nonsenseKey'");
  });

  it.each([
    [{ modelNmae: 'x' }, ": unknown key 'modelNmae' (did you mean 'modelName'?)"],
    [{ split: { strategy: 'random', testFraktion: 0.3 } }, "split: unknown key 'testFraktion' (did you mean 'testFraction'?)"],
    [{ schema: { columns: { a: { type: 'number', mn: 1 } } } }, "schema.columns.a: unknown key 'mn' (did you mean 'min'?)"],
    [
      { features: { features: ['a'], steps: [{ op: 'impute', columns: ['a'], strategee: 'median' }] } },
      "features.steps.0: unknown key 'strategee' (did you mean 'strategy'?)",
    ],
    [{ search: { strategy: 'grid', space: [{ kind: 'gbt', parms: {} }] } }, "search.space.0: unknown key 'parms' (did you mean 'params'?)"],
    [{ thresholds: [{ metric: 'accuracy', lower: 0.9, uper: 1 }] }, "thresholds.0: unknown key 'uper' (did you mean 'upper'?)"],
    [{ stepTimeouts: { heartbeet: '2 minutes' } }, "stepTimeouts: unknown key 'heartbeet' (did you mean 'heartbeat'?)"],
  ])('ml_retrain rejects %j at its level', (value, message) => {
    expect(messages(mlRetrainParams, value).join('\n')).toContain(message);
  });

  it('lists every unknown key at once, and the known ones', () => {
    const text = messages(mlRetrainParams, { row: 10, modelNmae: 'x' }).join('\n');
    expect(text).toContain("unknown keys 'row', 'modelNmae' (did you mean 'modelName'?)");
    expect(text).toContain('known: source, normalizeColumns');
  });

  it('keeps refinements and defaults of the objects it makes strict', () => {
    expect(messages(mlRetrainParams, { split: { strategy: 'time' } }).join()).toContain("strategy 'time' needs timeColumn");
    expect(mlRetrainParams.parse({}).split).toEqual({ strategy: 'stratified', testFraction: 0.2 });
  });

  it('leaves objects that accept extra keys on purpose alone', () => {
    const defineDag = createDagDefiner<{ a: () => Promise<void> }>();
    const dag = defineDag(
      { id: 'loose', params: z.object({ labels: z.looseObject({ team: z.string().default('ml') }).prefault({}) }) },
      (d) => {
        d.task('a', { activity: 'a' });
      },
    );
    expect(dag.params.parse({ labels: { owner: 'me' } })).toEqual({ labels: { team: 'ml', owner: 'me' } });
  });

  it('suggests a near name only when it is near', () => {
    expect(nearestKey('modelNmae', ['modelName', 'seed'])).toBe('modelName');
    expect(nearestKey('zzzzzz', ['modelName', 'seed'])).toBeUndefined();
  });
});
