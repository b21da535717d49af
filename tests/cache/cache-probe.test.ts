/**
 * The cache probe without servers: which tasks the workflow probes (exactly the tasks the worker
 * caches, never a side-effect task under a DAG-wide default), and the worker's limits from its
 * environment. The probe itself runs on the real servers in cache-probe.int.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UNCACHEABLE_ACTIVITIES } from '../../activities/cache/policy';
import { probeMaxBytes, probeTimeoutMs } from '../../activities/cache/probe';
import { effectiveCache } from '../../core/cache-tasks';
import type { DagDefinition } from '../../core/model';
import type { TaskInvocation, TaskResult } from '../../core/output-ref';
import mlRetrain from '../../dags/ml_retrain';
import { withCacheProbe } from '../../workflows/cache-probe';

const call = async (_inv: TaskInvocation): Promise<TaskResult> => ({ attempt: 1 });

describe('which tasks the workflow probes', () => {
  it('with caching DAG-wide on ml_retrain: the tasks the worker caches, not register/report (side effects)', () => {
    const dag: DagDefinition = { ...(mlRetrain as DagDefinition), defaults: { ...mlRetrain.defaults, cache: { version: '1' } } };
    const withActivity = dag.tasks.filter((t) => t.activity !== undefined);
    const probed = withActivity.filter((t) => withCacheProbe(dag, t, call) !== call).map((t) => t.id);
    const cachedByWorker = withActivity
      .filter((t) => effectiveCache(dag, t, { uncacheableActivities: UNCACHEABLE_ACTIVITIES }) !== undefined)
      .map((t) => t.id);
    expect(probed).toEqual(cachedByWorker);
    expect(probed).toEqual(expect.arrayContaining(['ingest', 'validate', 'split', 'tune', 'train_best', 'evaluate']));
    for (const side of ['register', 'report']) expect(probed).not.toContain(side);
  });

  it('without caching (ml_retrain as it ships): no task is probed, so its histories keep their shape', () => {
    const dag = mlRetrain as DagDefinition;
    expect(dag.tasks.filter((t) => withCacheProbe(dag, t, call) !== call)).toEqual([]);
  });
});

describe("the worker's limits", () => {
  const saved = { bytes: process.env.TIDEFLOW_CACHE_PROBE_MAX_BYTES, ms: process.env.TIDEFLOW_CACHE_PROBE_TIMEOUT_MS };
  afterEach(() => {
    for (const [k, v] of [
      ['TIDEFLOW_CACHE_PROBE_MAX_BYTES', saved.bytes],
      ['TIDEFLOW_CACHE_PROBE_TIMEOUT_MS', saved.ms],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('32 MiB and 4 s by default; the environment sets them; a value that is not a number keeps the default', () => {
    delete process.env.TIDEFLOW_CACHE_PROBE_MAX_BYTES;
    delete process.env.TIDEFLOW_CACHE_PROBE_TIMEOUT_MS;
    expect(probeMaxBytes()).toBe(32 * 1024 * 1024);
    expect(probeTimeoutMs()).toBe(4000);
    process.env.TIDEFLOW_CACHE_PROBE_MAX_BYTES = '1048576';
    process.env.TIDEFLOW_CACHE_PROBE_TIMEOUT_MS = '250';
    expect(probeMaxBytes()).toBe(1048576);
    expect(probeTimeoutMs()).toBe(250);
    process.env.TIDEFLOW_CACHE_PROBE_MAX_BYTES = '0';
    expect(probeMaxBytes()).toBe(0);
    for (const bad of ['', 'lots', '-1']) {
      process.env.TIDEFLOW_CACHE_PROBE_MAX_BYTES = bad;
      expect(probeMaxBytes(), JSON.stringify(bad)).toBe(32 * 1024 * 1024);
    }
  });
});
