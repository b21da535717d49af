/**
 * The reference ML retraining DAG: multinomial logistic regression on a public dataset
 * (Palmer penguins from the `vega-datasets` npm package by default), tuned over a declared
 * grid by cross-validation, gated on test accuracy.
 *
 *   ingest ── validate ── split ── features ─┐
 *   candidates ──────────────────────────────┴─ tune[*] ── train_best ── evaluate ── gate ─┬─ register ─┐
 *                                                                                          └─ rejected ─┴─ report
 *
 * Data moves between tasks as S3 artifacts under `${prefix}runs/ml_retrain/<workflowId>/`;
 * task outputs are references and small summaries. Later work deepens each step (a model
 * registry with versions and aliases, real data validation, gradient boosting, drift baselines).
 */
import { z } from 'zod';
import { gatePasses } from '../activities/ml/lib/gate';
import { defineDag } from './define';

const DEFAULT_FEATURES = {
  numeric: ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'],
  categorical: ['island', 'sex'],
};
const DEFAULT_GRID = { l2: [0.001, 0.01, 0.1], learningRate: [0.1, 0.5], epochs: [500] };
const column = z.string().min(1);

export const mlRetrainParams = z.object({
  /** npm:<package>/<file>, s3://bucket/key, http(s)://…, file:///… or a path on the worker. */
  source: z.string().min(1).default('npm:vega-datasets/data/penguins.json'),
  /** Rename source columns to snake_case ("Beak Length (mm)" → "beak_length_mm") before anything else. */
  normalizeColumns: z.boolean().default(true),
  target: column.default('species'),
  features: z
    .object({ numeric: z.array(column).default(DEFAULT_FEATURES.numeric), categorical: z.array(column).default(DEFAULT_FEATURES.categorical) })
    .default(DEFAULT_FEATURES),
  /** Cell values that mean "missing" besides null and blanks; the penguins data uses '.' once. */
  missingValues: z.array(z.string()).default(['NA', '.']),
  minRows: z.number().int().min(2).default(100),
  testFraction: z.number().gt(0).lt(1).default(0.2),
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  folds: z.number().int().min(2).max(20).default(3),
  grid: z
    .object({
      l2: z.array(z.number().nonnegative()).min(1).default(DEFAULT_GRID.l2),
      learningRate: z.array(z.number().positive()).min(1).default(DEFAULT_GRID.learningRate),
      epochs: z.array(z.number().int().min(1).max(100_000)).min(1).default(DEFAULT_GRID.epochs),
    })
    .default(DEFAULT_GRID)
    .refine((g) => g.l2.length * g.learningRate.length * g.epochs.length <= 64, 'the grid may hold at most 64 candidates'),
  /** The cross-validation metric train_best picks the winning candidate by. */
  selectBy: z.enum(['cvAccuracy', 'cvLogLoss']).default('cvAccuracy'),
  /** The gate registers the model only when its test accuracy reaches this. */
  minAccuracy: z.number().min(0).max(1).default(0.9),
  modelName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (an S3 key segment)').default('penguins'),
  /** Set by the retraining controller on drift-triggered runs: the alerts that caused this retrain (kept in the run's params). */
  driftAlerts: z
    .array(
      z.object({
        fingerprint: z.string(),
        reason: z.string(),
        source: z.string(),
        labels: z.record(z.string(), z.string()).optional(),
        receivedAt: z.string().optional(),
      }),
    )
    .max(100)
    .optional(),
});

export default defineDag(
  {
    id: 'ml_retrain',
    description: 'Retrain, evaluate and gate a softmax classifier (penguin species by default).',
    tags: ['ml', 'example'],
    params: mlRetrainParams,
    maxActiveTasks: 4,
    defaults: {
      startToCloseTimeout: '2 minutes',
      // The ML code throws RangeError for bad data or settings: retrying cannot help.
      retry: { maxAttempts: 3, initialInterval: '2s', nonRetryableErrorTypes: ['RangeError'] },
    },
  },
  (dag) => {
    const ingest = dag.task('ingest', {
      activity: 'mlIngestDataset',
      startToCloseTimeout: '5 minutes',
      retry: { maxAttempts: 4, initialInterval: '5s', maxInterval: '1 minute' },
      input: ({ params }) => ({ source: params.source, normalizeColumns: params.normalizeColumns }),
    });
    const validate = dag.task('validate', {
      activity: 'mlValidateDataset',
      upstream: [ingest],
      input: ({ params, upstream }) => ({
        dataset: upstream.ingest,
        target: params.target,
        features: params.features,
        minRows: params.minRows,
        missingValues: params.missingValues,
      }),
    });
    const split = dag.task('split', {
      activity: 'mlSplitDataset',
      upstream: [validate],
      input: ({ params, upstream }) => ({ dataset: upstream.validate.dataset, target: params.target, testFraction: params.testFraction, seed: params.seed }),
    });
    const features = dag.task('features', {
      activity: 'mlFitFeatures',
      upstream: [validate, split],
      input: ({ params, upstream }) => ({ dataset: upstream.validate.dataset, split: upstream.split.split, features: params.features }),
    });
    const candidates = dag.task('candidates', {
      activity: 'mlExpandGrid',
      description: 'Expand the declared hyperparameter grid, one item per tune instance.',
      input: ({ params }) => ({ grid: params.grid }),
    });
    const tune = dag.map('tune', {
      activity: 'mlTuneCandidate',
      over: candidates,
      upstream: [validate, split, features],
      maxParallel: 4,
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout: '30s',
      input: ({ item, params, upstream }) => ({
        config: item,
        dataset: upstream.validate.dataset,
        split: upstream.split.split,
        target: params.target,
        features: params.features,
        classes: upstream.validate.classes,
        folds: params.folds,
        seed: params.seed,
      }),
    });
    const trainBest = dag.task('train_best', {
      activity: 'mlTrainBest',
      upstream: [tune, validate, split, features],
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout: '30s',
      input: ({ params, upstream }) => ({
        trials: upstream.tune,
        selectBy: params.selectBy,
        dataset: upstream.validate.dataset,
        split: upstream.split.split,
        pipeline: upstream.features.pipeline,
        target: params.target,
        classes: upstream.validate.classes,
        seed: params.seed,
        modelName: params.modelName,
      }),
    });
    const evaluate = dag.task('evaluate', {
      activity: 'mlEvaluateModel',
      upstream: [trainBest, validate, split],
      input: ({ upstream }) => ({ model: upstream.train_best.model, dataset: upstream.validate.dataset, split: upstream.split.split }),
    });
    const gate = dag.empty('gate', {
      upstream: [evaluate],
      description: 'Register the model only if it reaches the thresholds on the test split.',
      branch: (up, ctx) => (gatePasses(up.evaluate, ctx.params) ? 'register' : 'rejected'),
    });
    const register = dag.task('register', {
      activity: 'mlRegisterCandidate',
      upstream: [gate, trainBest, evaluate, ingest, validate, split, features],
      input: ({ params, upstream }) => ({
        modelName: params.modelName,
        model: upstream.train_best.model,
        metrics: upstream.evaluate,
        lineage: {
          source: params.source,
          rawDataset: upstream.ingest,
          cleanDataset: upstream.validate.dataset,
          split: upstream.split.split,
          pipeline: upstream.features.pipeline,
        },
      }),
    });
    const rejected = dag.task('rejected', {
      activity: 'mlRejectCandidate',
      upstream: [gate, evaluate],
      input: ({ params, upstream }) => ({ modelName: params.modelName, metrics: upstream.evaluate, thresholds: { minAccuracy: params.minAccuracy } }),
    });
    dag.task('report', {
      activity: 'mlWriteRunReport',
      upstream: [register, rejected, validate, split, tune, trainBest, evaluate],
      triggerRule: 'none_failed_min_one_success',
      input: ({ upstream }) => ({
        validation: upstream.validate,
        split: upstream.split,
        trials: upstream.tune,
        training: upstream.train_best,
        metrics: upstream.evaluate,
        // The branch not taken is skipped and has no output.
        registered: upstream.register ?? null,
        rejected: upstream.rejected ?? null,
      }),
    });
  },
);
