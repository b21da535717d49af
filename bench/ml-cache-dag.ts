/**
 * The cache benchmark's DAG: ml_retrain as it ships, with step caching on DAG-wide
 * (`defaults.cache`). register, rejected, export_onnx and report have side effects and are never
 * cached (activities/cache/policy.ts); every other step is. Workflow-safe: plain data.
 */
import type { DagDefinition } from '../core/model';
import mlRetrain from '../dags/ml_retrain';

export const mlCacheDag: DagDefinition = {
  ...(mlRetrain as DagDefinition),
  id: 'bench_ml_cache',
  defaults: { ...mlRetrain.defaults, cache: { version: 'bench-1' } },
};
