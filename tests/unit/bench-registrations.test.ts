/**
 * The bench's in-process worker with every scenario selected (bench/registry.ts): the DAGs pass the
 * worker's validation (two scenarios bring ml_retrain), the orchestration chain runs the bare
 * noop, and retry's injected evaluate survives the scenarios after it. The whole `npm run bench`
 * had failed on each of these.
 */
import { describe, expect, it } from 'vitest';
import { activities } from '../../activities';
import { noop } from '../../activities/builtin/noop';
import { HEARTBEATING_ACTIVITIES } from '../../activities/long-running';
import { UNCACHEABLE_ACTIVITIES } from '../../activities/cache/policy';
import { loadDags } from '../../core/load';
import { BENCHMARKS, workerRegistrations } from '../../bench/registry';
import type { BenchOptions } from '../../bench/types';

const OPTIONS: BenchOptions = {
  tasks: 50,
  runs: 5,
  only: [],
  address: undefined,
  stockServer: false,
  dynamicConfig: [],
  json: false,
  verbose: false,
};

describe('bench worker registrations, every scenario selected', () => {
  const { dags, activities: registered } = workerRegistrations(BENCHMARKS, OPTIONS);

  it('validate as the worker validates them, each DAG once', () => {
    const registry = loadDags(dags, {
      activityNames: new Set(Object.keys(registered)),
      heartbeatingActivities: HEARTBEATING_ACTIVITIES,
      uncacheableActivities: UNCACHEABLE_ACTIVITIES,
    });
    expect(registry.has('ml_retrain')).toBe(true);
    expect(registry.size).toBe(dags.length);
  });

  it("keep the bare noop and retry's own evaluate over the project's", () => {
    expect(registered['noop']).toBe(noop);
    expect(registered['mlEvaluate']).toBeDefined();
    expect(registered['mlEvaluate']).not.toBe(activities.mlEvaluate);
    expect(registered['mlTrainModel']).toBeDefined();
    expect(registered['mlTrainModel']).toBe(activities.mlTrainModel);
  });
});
