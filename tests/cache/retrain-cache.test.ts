/**
 * defineRetrainDag's `cache` option: the steps without side effects get it, the side-effect steps
 * (register, rejected, export_onnx, report) and own steps never do, and the DAG still loads with
 * the side-effect list (which would refuse `cache` on any of those).
 */
import { describe, expect, it } from 'vitest';
import { UNCACHEABLE_ACTIVITIES } from '../../activities/cache/policy';
import { activities } from '../../activities';
import { HEARTBEATING_ACTIVITIES } from '../../activities/long-running';
import { effectiveCache } from '../../core/cache-tasks';
import { loadDags } from '../../core/load';
import type { DagDefinition } from '../../core/model';
import { mlRetrainParams } from '../../dags/ml_retrain';
import { defineRetrainDag } from '../../dags/templates/retrain';

const options = {
  activityNames: new Set(Object.keys(activities)),
  heartbeatingActivities: HEARTBEATING_ACTIVITIES,
  uncacheableActivities: UNCACHEABLE_ACTIVITIES,
};

function retrain(extra: Partial<Parameters<typeof defineRetrainDag>[0]> = {}): DagDefinition {
  const p = mlRetrainParams.parse({});
  return defineRetrainDag({
    id: 'cached_retrain',
    source: p.source,
    target: p.target,
    modelName: 'cached',
    schema: p.schema,
    features: p.features,
    search: p.search,
    thresholds: p.thresholds,
    ...extra,
  }) as DagDefinition;
}

const cachedTasks = (dag: DagDefinition): string[] =>
  dag.tasks.filter((t) => effectiveCache(dag, t, options) !== undefined).map((t) => t.id);

const PURE_STEPS = ['ingest', 'validate', 'split', 'candidates', 'tune', 'train_best', 'evaluate'];

describe('defineRetrainDag cache option', () => {
  it('caches every step without side effects, and nothing else', () => {
    const dag = retrain({ cache: { version: '2', maxAge: '7d' } });
    expect(() => loadDags([dag], options)).not.toThrow();
    expect(cachedTasks(dag)).toEqual(PURE_STEPS);
    for (const id of PURE_STEPS) expect(dag.tasks.find((t) => t.id === id)?.cache).toEqual({ version: '2', maxAge: '7d' });
    for (const id of ['register', 'rejected', 'export_onnx', 'report']) expect(dag.tasks.find((t) => t.id === id)?.cache).toBeUndefined();
  });

  it('caches nothing without it', () => {
    expect(cachedTasks(retrain())).toEqual([]);
  });

  it('leaves own steps alone: they may have side effects', () => {
    const dag = retrain({
      cache: { version: '1' },
      steps: {
        afterSplit: (d) => d.task('check', { activity: 'noop', input: {} as never }),
        beforeReport: (d, t) => d.task('score', { activity: 'mlPredict', input: { modelName: 'cached', dataset: t.ingest } as never }),
      },
    });
    expect(() => loadDags([dag], options)).not.toThrow();
    expect(cachedTasks(dag)).toEqual(PURE_STEPS);
  });
});
