/**
 * The benchmark scenarios, in run order, and what the bench's one in-process worker registers for
 * those selected: their DAGs and activities.
 */
import { activities as projectActivities } from '../activities';
import { noop } from '../activities/builtin/noop';
import type { ActivityRegistry } from '../activities/task-runner';
import type { DagDefinition } from '../core/model';
import { backfillBench } from './backfill';
import { ingestValidateBench } from './ingest-validate';
import { mlCacheBench } from './ml-cache';
import { mlPipelineBench } from './ml-pipeline';
import { mlTrainBench } from './ml-train';
import { onnxBench } from './onnx';
import { orchestration } from './orchestration';
import { retryBench } from './retry';
import { serveBench } from './serve';
import type { BenchOptions, Benchmark } from './types';

/** Every benchmark, in run order; a later one adds itself here. */
export const BENCHMARKS: readonly Benchmark[] = [
  orchestration,
  backfillBench,
  mlTrainBench,
  ingestValidateBench,
  onnxBench,
  mlPipelineBench,
  retryBench,
  serveBench,
  mlCacheBench,
];

/**
 * The worker's DAGs and activities for the selected benchmarks. A definition two scenarios bring
 * (retry and ml-pipeline both run ml_retrain as it ships) is registered once; two different
 * definitions with one id still fail validation. Activities: the project's, then the bare noop (the
 * orchestration figures time the engine, not the project's run recording around its noop), then
 * each scenario's overrides (retry's injected bug in evaluate), so no scenario undoes another's.
 */
export function workerRegistrations(
  selected: readonly Benchmark[],
  options: BenchOptions,
): { dags: DagDefinition[]; activities: ActivityRegistry } {
  return {
    dags: [...new Set(selected.flatMap((b) => b.dags?.(options) ?? []))],
    activities: Object.assign({}, projectActivities, { noop }, ...selected.map((b) => b.activities?.() ?? {})) as ActivityRegistry,
  };
}
