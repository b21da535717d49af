/**
 * The reference ML retraining DAG, on Palmer penguins (`vega-datasets` npm package) by default:
 *
 *   ingest ── validate ── split ──────────────────────────────┐
 *   candidates ─── tune[*] (k-fold CV per trial) ── train_best ── evaluate ── gate ─┬─ register ─┐
 *                                                                                    └─ rejected ─┴─ report
 *
 * ingest      the run's slice of the source (key template / data-interval filter) → Arrow dataset
 * validate    declared schema + statistics + anomalies (TFDV-like); blocking anomalies fail the run
 * split       stratified, random or time-based; settles the task (binary / multiclass / regression)
 * tune        one instance per trial of the grid / random search; the feature pipeline is refitted per fold
 * train_best  the best trial by its CV metric, fitted on the whole train split → tideflow.model artifact
 * evaluate    candidate and the current champion, on the same test rows
 * gate        TFX blessing: value thresholds, and change thresholds vs the champion
 * register    a registry version with lineage; promoted to the champion alias when `promote`
 * report      a self-contained HTML report
 * Data moves as S3 artifacts under `${prefix}runs/ml_retrain/<workflowId>/`; outputs are references and small summaries.
 */
import { z } from 'zod';
import type { SplitDataOutput } from '../activities/ml/split-data';
import type { TrainingInputs } from '../activities/ml/training-data';
import type { ValidateDataOutput } from '../activities/ml/validate-data';
import { metricNameSchema } from '../ml/metrics/evaluation';
import { featurePipelineSpecSchema, type FeaturePipelineSpecInput } from '../ml/features/spec';
import { decideGate } from '../mlops/gate';
import { searchSpecSchema } from '../mlops/search-space';
import { dataSchema, type DataSchemaInput } from '../ml/validation/schema';
import { driftAlertsParam } from './params/drift-alerts';
import { modelNameParam } from './params/model-name';
import { defineDag } from './define';
import { ingestInput, ingestParams } from './params/ingest';

const NUMERIC = ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'];
const CATEGORICAL = ['island', 'sex'];

/** The declared schema of the penguins data (the default `schema` param). */
export const PENGUINS_SCHEMA: DataSchemaInput = {
  columns: {
    species: { type: 'string', nullable: false, categories: ['Adelie', 'Chinstrap', 'Gentoo'] },
    island: { type: 'string', nullable: false, categories: ['Biscoe', 'Dream', 'Torgersen'] },
    beak_length_mm: { type: 'number', min: 25, max: 70, maxMissingFraction: 0.05 },
    beak_depth_mm: { type: 'number', min: 10, max: 25, maxMissingFraction: 0.05 },
    flipper_length_mm: { type: 'number', min: 150, max: 250, maxMissingFraction: 0.05 },
    body_mass_g: { type: 'number', min: 2000, max: 7000, maxMissingFraction: 0.05 },
    sex: { type: 'string', categories: ['MALE', 'FEMALE'], maxMissingFraction: 0.1 },
  },
  minRows: 100,
  newColumns: 'warning',
};

const PENGUINS_FEATURES: FeaturePipelineSpecInput = {
  features: [...NUMERIC, ...CATEGORICAL],
  steps: [
    { op: 'impute', columns: NUMERIC, strategy: 'median' },
    { op: 'standardize', columns: NUMERIC },
    { op: 'impute', columns: CATEGORICAL, strategy: 'most_frequent' },
    { op: 'onehot', columns: CATEGORICAL, handleUnknown: 'ignore' },
  ],
};

const DEFAULT_SEARCH: z.input<typeof searchSpecSchema> = {
  strategy: 'grid',
  space: [
    { kind: 'logistic_regression', params: { C: [0.1, 1, 10] } },
    { kind: 'gbt', params: { learningRate: [0.1], maxIter: [50], minSamplesLeaf: [10] } },
  ],
};

const threshold = z
  .object({
    metric: z.string().min(1),
    higherIsBetter: z.boolean().optional(),
    lower: z.number().optional(),
    upper: z.number().optional(),
    absoluteChange: z.number().optional(),
    relativeChange: z.number().optional(),
  })
  .strict()
  .refine(
    (t) => [t.lower, t.upper, t.absoluteChange, t.relativeChange].some((v) => v !== undefined),
    'a threshold needs lower, upper, absoluteChange or relativeChange',
  );

export const mlRetrainParams = z.object({
  ...ingestParams,
  target: z.string().min(1).default('species'),
  task: z.enum(['auto', 'binary', 'multiclass', 'regression']).default('auto'),
  /** Binary tasks: the positive class (default: the second label in sorted order, as sklearn). */
  positiveClass: z.string().optional(),
  /** The declared data schema (docs/data-validation.md). */
  schema: dataSchema.prefault(PENGUINS_SCHEMA),
  /** Compare the row count with the previous successful run's ('auto'), a number, or not at all (null). */
  previousRowCount: z.union([z.literal('auto'), z.number().int().min(0), z.null()]).default('auto'),
  /** The feature pipeline (docs/feature-pipeline.md), fitted on the train split only. */
  features: featurePipelineSpecSchema.prefault(PENGUINS_FEATURES),
  split: z
    .object({
      strategy: z.enum(['stratified', 'random', 'time']).default('stratified'),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      timeColumn: z.string().min(1).optional(),
    })
    .refine((s) => s.strategy !== 'time' || s.timeColumn !== undefined, "strategy 'time' needs timeColumn")
    .default({ strategy: 'stratified', testFraction: 0.2 }),
  /** Grid or random search over estimators and hyperparameters (docs/ml-models.md). */
  search: searchSpecSchema.prefault(DEFAULT_SEARCH),
  folds: z.number().int().min(2).max(20).default(3),
  /** The cross-validation metric the best trial is chosen by. */
  selectBy: metricNameSchema.default('accuracy'),
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  /** TFX-style blessing (docs: README "Gate"): value thresholds, and change thresholds vs the champion. */
  thresholds: z.array(threshold).default([
    { metric: 'accuracy', lower: 0.9 },
    { metric: 'accuracy', absoluteChange: -0.02 },
  ]),
  /** The registry alias a blessed model is promoted to, and that the candidate is compared with; null: register only, compare with nothing. */
  championAlias: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,63}$/)
    .nullable()
    .default('champion'),
  /** Promote a blessed model to `championAlias`. */
  promote: z.boolean().default(true),
  modelName: modelNameParam.default('penguins'),
  /** Set by the retraining controller on drift-triggered runs: the alerts that caused this retrain. */
  driftAlerts: driftAlertsParam,
});

type MlRetrainParams = z.output<typeof mlRetrainParams>;

/** What tune and train_best both get (TrainingInputs): the validated data, its split and the task it settled, the pipeline to fit. */
function trainingInputs(params: MlRetrainParams, upstream: { validate: ValidateDataOutput; split: SplitDataOutput }): TrainingInputs {
  return {
    dataset: upstream.validate.dataset,
    split: upstream.split.split,
    target: params.target,
    task: upstream.split.task,
    classes: upstream.split.classes,
    features: params.features,
    seed: params.seed,
    metric: params.selectBy,
  };
}

export default defineDag(
  {
    id: 'ml_retrain',
    description: 'Retrain, evaluate against the champion, gate, register and report a model (penguin species by default).',
    tags: ['ml', 'example'],
    params: mlRetrainParams,
    maxActiveTasks: 4,
    defaults: {
      startToCloseTimeout: '5 minutes',
      // Bad data or settings fail non-retryably; other errors (S3, a lost worker) are retried.
      retry: { maxAttempts: 3, initialInterval: '2s' },
    },
  },
  (dag) => {
    const ingest = dag.task('ingest', {
      activity: 'mlIngest',
      retry: { maxAttempts: 4, initialInterval: '5s', maxInterval: '1 minute' },
      heartbeatTimeout: '1 minute',
      input: ({ params }) => ingestInput(params),
    });
    const validate = dag.task('validate', {
      activity: 'mlValidate',
      upstream: [ingest],
      input: ({ params, upstream }) => ({ dataset: upstream.ingest, schema: params.schema, previousRowCount: params.previousRowCount }),
    });
    const split = dag.task('split', {
      activity: 'mlSplit',
      upstream: [validate],
      input: ({ params, upstream }) => ({
        dataset: upstream.validate.dataset,
        target: params.target,
        task: params.task,
        strategy: params.split.strategy,
        testFraction: params.split.testFraction,
        seed: params.seed,
        ...(params.split.timeColumn !== undefined && { timeColumn: params.split.timeColumn }),
      }),
    });
    const candidates = dag.task('candidates', {
      activity: 'mlExpandSearch',
      description: 'Expand the declared search (grid or random) into one item per tune instance.',
      input: ({ params }) => ({ search: params.search, seed: params.seed }),
    });
    const tune = dag.map('tune', {
      activity: 'mlTuneTrial',
      over: candidates,
      upstream: [validate, split],
      maxParallel: 4,
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout: '1 minute',
      input: ({ item, params, upstream }) => ({ ...trainingInputs(params, upstream), trial: item, folds: params.folds }),
    });
    const trainBest = dag.task('train_best', {
      activity: 'mlTrainModel',
      upstream: [tune, validate, split],
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout: '1 minute',
      input: ({ params, upstream }) => ({ ...trainingInputs(params, upstream), trials: upstream.tune, modelName: params.modelName }),
    });
    const evaluate = dag.task('evaluate', {
      activity: 'mlEvaluate',
      upstream: [trainBest, validate, split],
      input: ({ params, upstream }) => ({
        model: upstream.train_best.model,
        dataset: upstream.validate.dataset,
        split: upstream.split.split,
        championAlias: params.championAlias,
        ...(params.positiveClass !== undefined && { positiveClass: params.positiveClass }),
      }),
    });
    const gate = dag.empty('gate', {
      upstream: [evaluate],
      description: 'Bless the candidate (value thresholds, and change thresholds vs the champion) or reject it.',
      branch: (up, ctx) => (decideGate(up.evaluate.metrics, ctx.params.thresholds, up.evaluate.champion).blessed ? 'register' : 'rejected'),
    });
    const register = dag.task('register', {
      activity: 'mlRegister',
      upstream: [gate, trainBest, evaluate, ingest, split],
      input: ({ params, upstream }) => ({
        modelName: params.modelName,
        model: upstream.train_best.model,
        metrics: upstream.evaluate.metrics,
        gateSummary: decideGate(upstream.evaluate.metrics, params.thresholds, upstream.evaluate.champion).summary,
        promoteTo: params.promote ? params.championAlias : null,
        lineage: {
          source: upstream.ingest.source,
          dataset: upstream.ingest,
          split: upstream.split.split,
          pipeline: upstream.train_best.pipeline,
        },
      }),
    });
    const rejected = dag.task('rejected', {
      activity: 'mlReject',
      upstream: [gate, evaluate],
      input: ({ params, upstream }) => ({
        modelName: params.modelName,
        metrics: upstream.evaluate.metrics,
        thresholds: params.thresholds,
        champion: upstream.evaluate.champion,
      }),
    });
    dag.task('report', {
      activity: 'mlReport',
      upstream: [register, rejected, ingest, validate, split, tune, trainBest, evaluate],
      triggerRule: 'none_failed_min_one_success',
      input: ({ params, upstream }) => ({
        modelName: params.modelName,
        ingest: upstream.ingest,
        validation: upstream.validate,
        split: upstream.split,
        trials: upstream.tune,
        training: upstream.train_best,
        evaluation: upstream.evaluate,
        thresholds: params.thresholds,
        // The branch not taken is skipped and has no output.
        registered: upstream.register ?? null,
        rejected: upstream.rejected ?? null,
      }),
    });
  },
);
