/**
 * Drift monitoring: daily, compare the latest production window with what the model was trained on
 * (the registry version's reference profile; `referenceSource` when there is no such version),
 * write a drift report artifact (per-column statistics and histograms), and on dataset drift signal
 * the model's retraining controller (which debounces, dedupes and runs ml_retrain with
 * trigger=drift). With `performance`, the window's predictions are also scored against its labels
 * and compared with the test metrics recorded on that version (TFX-like change thresholds,
 * ml/drift/performance.ts); performance drift signals the controller too.
 *
 * The window is either a table (`currentSource: "<source>"`, judged against the champion) or the
 * prediction server's log (`currentSource: {"predictionLog": "<model>"}`): the day partition
 * `predictions/<model>/dt=<day>/` with the labels `tideflow predictions label` joined to it, `day`
 * defaulting to the run's ds — the first day of its data interval, Airflow's `dt={{ ds }}`: the
 * 04:00 UTC run reads yesterday's partition, complete since midnight — and judged against the
 * version that answered it.
 *
 *   compute ── signal
 */
import { z } from 'zod';
import { PERFORMANCE_METRICS, performanceSpecProblems } from '../ml/drift/performance';
import { defineDag } from './define';
import { modelNameParam } from './params/model-name';

/** Performance drift: which window columns hold the prediction and the label, and the metrics to watch. */
export const performanceParams = z
  .object({
    /** The prediction column; a prediction-log window's is `prediction`. */
    predictionColumn: z.string().min(1).default('prediction'),
    labelColumn: z.string().min(1),
    /** Classification: the positive-class probability, or a {class: probability} object per row (roc_auc, log_loss); a prediction-log window has `probabilities` (and `proba_<class>`). */
    probabilityColumn: z.string().min(1).optional(),
    /** The positive class of binary metrics when the classes are not 0/1 or false/true. */
    positiveLabel: z.string().min(1).optional(),
    task: z.enum(['classification', 'regression']),
    metrics: z
      .array(
        z.object({
          name: z.enum(PERFORMANCE_METRICS),
          /** Largest allowed absolute degradation vs the champion (drops, or rises for log_loss/rmse/mae). */
          maxDrop: z.number().min(0).optional(),
          /** Largest allowed degradation relative to the champion's value (0.1 = 10 %). */
          maxRelativeDrop: z.number().min(0).optional(),
          /** The champion's metric key, when not the metric's usual spelling. */
          championKey: z.string().min(1).optional(),
        }),
      )
      .min(1),
    /** Fewer scored rows (label and prediction present) → 'insufficient labels' (reported, not drift). */
    minLabeledRows: z.number().int().min(1).default(30),
  })
  .superRefine((p, ctx) => {
    for (const message of performanceSpecProblems(p)) ctx.addIssue({ code: 'custom', message });
  });

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day partition of the prediction server's log as the production window (activities/drift/prediction-log.ts). */
export const predictionLogSourceParam = z.object({
  /** The model whose log is read: the monitored `model`. */
  predictionLog: modelNameParam,
  /** The partition dt=YYYY-MM-DD (UTC days, as the server writes them); default: the run's ds. */
  day: z.string().regex(DAY, 'day must be a date YYYY-MM-DD').optional(),
  /** Whose rows: 'served' (the version that answered the most rows of the day) or a version number. */
  version: z.union([z.literal('served'), z.number().int().min(1)]).default('served'),
  /** A busier day is compared on a uniform sample of this many of its rows (deterministic: by request id). */
  maxRows: z.number().int().min(1).default(100_000),
});

export const driftMonitorParams = z
  .object({
    model: modelNameParam.default('penguins'),
    /** The production window to check: a table source (same syntax as ml_retrain's `source`), or `{predictionLog: model}`. */
    currentSource: z.union([z.string().min(1), predictionLogSourceParam]).default('npm:vega-datasets/data/penguins.json'),
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
    /** Performance drift: the spec, or "auto" for a prediction-log window (ml/drift/auto-performance.ts). */
    performance: z.union([z.literal('auto'), performanceParams]).optional(),
  })
  .superRefine((p, ctx) => {
    const src = p.currentSource;
    if (typeof src !== 'string' && src.predictionLog !== p.model)
      ctx.addIssue({
        code: 'custom',
        path: ['currentSource', 'predictionLog'],
        message: `currentSource.predictionLog '${src.predictionLog}' is not the monitored model '${p.model}' (its registry versions are the baseline)`,
      });
    if (p.performance === 'auto' && typeof src === 'string')
      ctx.addIssue({
        code: 'custom',
        path: ['performance'],
        message:
          'performance "auto" needs a prediction-log window (currentSource: {"predictionLog": "<model>"}); give the spec for a table source',
      });
  });

export default defineDag(
  {
    id: 'drift_monitor',
    description:
      "Compare production data — a table, or a day of the prediction log — (and, when labeled, predictions) with the model version's baseline; on drift, signal the retraining controller.",
    tags: ['ml', 'drift'],
    params: driftMonitorParams,
    schedule: { cron: '0 4 * * *', timezone: 'UTC' },
    defaults: { startToCloseTimeout: '5 minutes', retry: { maxAttempts: 3, initialInterval: '2s' } },
  },
  (dag) => {
    const compute = dag.task('compute', {
      activity: 'driftComputeReport',
      input: ({ params, ds }) => ({
        model: params.model,
        currentSource:
          typeof params.currentSource === 'string'
            ? params.currentSource
            : { ...params.currentSource, day: params.currentSource.day ?? ds },
        referenceSource: params.referenceSource,
        useChampion: params.useChampion,
        ...(params.columns && { columns: params.columns }),
        exclude: params.exclude,
        normalizeColumns: params.normalizeColumns,
        missingValues: params.missingValues,
        driftShare: params.driftShare,
        ...(params.performance && { performance: params.performance }),
      }),
    });
    dag.task('signal', { activity: 'driftSignalController', upstream: [compute], input: ({ upstream }) => ({ report: upstream.compute }) });
  },
);
