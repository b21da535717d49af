/**
 * Drift monitoring: daily, compare the latest production window with what the model's champion
 * was trained on (its training-data artifact in the registry; `referenceSource` when there is no
 * champion yet), write a drift report artifact (per-column statistics and histograms), and on
 * dataset drift signal the model's retraining controller (which debounces, dedupes and runs
 * ml_retrain with trigger=drift).
 *
 *   compute ── signal
 */
import { z } from 'zod';
import { defineDag } from './define';

export const driftMonitorParams = z.object({
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (an S3 key segment)').default('penguins'),
  /** The production window to check (same source syntax as ml_retrain's `source`). */
  currentSource: z.string().min(1).default('npm:vega-datasets/data/penguins.json'),
  referenceSource: z.string().min(1).default('npm:vega-datasets/data/penguins.json'),
  /** Compare with the champion's training data when there is a champion. */
  useChampion: z.boolean().default(true),
  columns: z.array(z.string().min(1)).optional(),
  /** Columns never compared (the label, ids…). */
  exclude: z.array(z.string()).default(['species']),
  normalizeColumns: z.boolean().default(true),
  missingValues: z.array(z.string()).default(['NA', '.']),
  /** Dataset drift when this share of compared columns drifted. */
  driftShare: z.number().gt(0).max(1).default(0.5),
});

export default defineDag(
  {
    id: 'drift_monitor',
    description: "Compare production data with the champion's training data; on drift, signal the retraining controller.",
    tags: ['ml', 'drift'],
    params: driftMonitorParams,
    schedule: { cron: '0 4 * * *', timezone: 'UTC' },
    defaults: { startToCloseTimeout: '5 minutes', retry: { maxAttempts: 3, initialInterval: '2s' } },
  },
  (dag) => {
    const compute = dag.task('compute', {
      activity: 'driftComputeReport',
      input: ({ params }) => ({
        model: params.model,
        currentSource: params.currentSource,
        referenceSource: params.referenceSource,
        useChampion: params.useChampion,
        ...(params.columns && { columns: params.columns }),
        exclude: params.exclude,
        normalizeColumns: params.normalizeColumns,
        missingValues: params.missingValues,
        driftShare: params.driftShare,
      }),
    });
    dag.task('signal', { activity: 'driftSignalController', upstream: [compute], input: ({ upstream }) => ({ report: upstream.compute }) });
  },
);
