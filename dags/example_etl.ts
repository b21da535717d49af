/**
 * A small ETL DAG that shows the engine's features on a day of (seeded) sales data:
 * fan-out per region, a short-circuit, a branch and a join.
 *
 *   extract ─┬─ regions ── summarize_region[*] ── report ── check_revenue ─┬─ revenue_alert ─┐
 *            └─ has_rows (short-circuit when empty) ─────────────────────  └─ revenue_ok ────┴─ done
 */
import { z } from 'zod';
import { defineDag } from './define';

export default defineDag(
  {
    id: 'example_etl',
    description: 'Summarise a day of sales per region; alert when revenue is below a threshold.',
    tags: ['example'],
    params: z.object({
      rows: z.number().int().min(0).max(100_000).default(500),
      regions: z.array(z.string().min(1)).min(1).default(['north', 'south', 'east', 'west']),
      minRevenue: z.number().nonnegative().default(1000),
    }),
    schedule: { cron: '0 3 * * *', timezone: 'UTC' },
    maxActiveTasks: 4,
    defaults: { retry: { maxAttempts: 3, initialInterval: '1s' }, startToCloseTimeout: '5 minutes' },
  },
  (dag) => {
    const p = dag.params;
    const extract = dag.task('extract', { activity: 'generateSales', input: { rows: p.rows, regions: p.regions } });
    const hasRows = dag.empty('has_rows', {
      upstream: [extract],
      // Nothing to summarise on an empty day: skip everything downstream.
      shortCircuit: (_out, ctx) => ctx.params.rows > 0,
    });
    // Reads extract's output; waits for has_rows (ordering only).
    const regions = dag.task('regions', { activity: 'distinctValues', upstream: [hasRows], input: { rows: extract, column: 'region' } });
    const perRegion = dag.map('summarize_region', {
      activity: 'summarizeRegion',
      over: regions,
      maxParallel: 2,
      input: { rows: extract, region: dag.item(regions) },
    });
    const report = dag.task('report', { activity: 'buildSalesReport', input: { summaries: perRegion } });
    const check = dag.empty('check_revenue', {
      input: report.out.totalRevenue,
      branch: (revenue, ctx) => (revenue < ctx.params.minRevenue ? 'revenue_alert' : 'revenue_ok'),
    });
    const alert = dag.empty('revenue_alert', { upstream: [check] });
    const ok = dag.empty('revenue_ok', { upstream: [check] });
    dag.empty('done', { upstream: [alert, ok], triggerRule: 'none_failed_min_one_success' });
  },
);
