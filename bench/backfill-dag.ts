/**
 * The backfill benchmark's DAG: five no-op tasks (a → b, c, d → e), scheduled daily in UTC so
 * it has logical dates to backfill. Imported by workflow code: deterministic, no Node APIs.
 */
import { createDagDefiner } from '../core/define';
import type { DagDefinition } from '../core/model';
import type { noop } from '../activities/builtin/noop';

const defineDag = createDagDefiner<{ noop: typeof noop }>();

export const BACKFILL_BENCH_DAG_ID = 'bench_backfill_noop5';

export const backfillBenchDag = defineDag(
  { id: BACKFILL_BENCH_DAG_ID, description: 'Benchmark: five no-op tasks, daily', tags: ['bench'], schedule: { cron: '0 0 * * *' } },
  (dag) => {
    const a = dag.task('a', { activity: 'noop' });
    const mids = (['b', 'c', 'd'] as const).map((id) => dag.task(id, { activity: 'noop', upstream: [a] }));
    dag.task('e', { activity: 'noop', upstream: mids });
  },
) as DagDefinition;
