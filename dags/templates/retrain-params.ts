/**
 * The params of a retraining DAG built by `defineRetrainDag`: the same surface for every such
 * DAG (ml_retrain's), with the defaults its template options give. Every value is checked when
 * the run is triggered, so a bad setting fails before any task runs.
 */
import { z } from 'zod';
import { featurePipelineSpecSchema, type FeaturePipelineSpecInput } from '../../ml/features/spec';
import { METRIC_NAMES, metricNameSchema } from '../../ml/metrics/evaluation';
import { dataSchema, type DataSchemaInput } from '../../ml/validation/schema';
import { searchSpecSchema } from '../../mlops/search-space';
import { classWeightParam } from '../params/class-weight';
import { driftAlertsParam } from '../params/drift-alerts';
import { ingestParams } from '../params/ingest';
import { modelNameParam } from '../params/model-name';
import { checkTrialPipelines, pipelinesParam } from '../params/pipelines';
import { foldsParam, scoreTopKParam, splitParam, validationFractionParam } from '../params/split';
import { stepTimeoutsSchema, type StepTimeouts } from '../params/ml-steps';

export const thresholdSchema = z
  .strictObject({
    // Checked at trigger time: an unknown metric would only show later, as a gate rejection.
    metric: z
      .string()
      .min(1)
      .refine((m) => m === 'n' || (METRIC_NAMES as readonly string[]).includes(m), {
        error: (i) => `unknown metric ${JSON.stringify(i.input)}: the gate compares the evaluation's ${METRIC_NAMES.join(', ')} or n`,
      }),
    higherIsBetter: z.boolean().optional(),
    lower: z.number().optional(),
    upper: z.number().optional(),
    maxDrop: z.number().optional(),
    maxRelativeDrop: z.number().optional(),
    // The older spelling of maxDrop / maxRelativeDrop (mlops/gate.ts), still read for existing schedules.
    absoluteChange: z.number().optional(),
    relativeChange: z.number().optional(),
  })
  .refine(
    (t) => [t.lower, t.upper, t.maxDrop, t.maxRelativeDrop, t.absoluteChange, t.relativeChange].some((v) => v !== undefined),
    'a threshold needs lower, upper, maxDrop or maxRelativeDrop',
  )
  .refine(
    (t) =>
      (t.maxDrop === undefined || t.absoluteChange === undefined) && (t.maxRelativeDrop === undefined || t.relativeChange === undefined),
    'give maxDrop / maxRelativeDrop, not also their older spelling absoluteChange / relativeChange',
  );

/** stratified, random or time (at a cutoff, absolute or relative to the data interval): ../params/split.ts. */
export const splitSchema = splitParam;

export type ThresholdInput = z.input<typeof thresholdSchema>;
export type SearchSpecInput = z.input<typeof searchSpecSchema>;
export type SplitInput = z.input<typeof splitSchema>;
export type RetrainTaskKind = 'auto' | 'binary' | 'multiclass' | 'regression';
export type MetricName = z.output<typeof metricNameSchema>;

/** What a template's options set as param defaults; every one can still be overridden per run. */
export interface RetrainParamDefaults {
  source: string;
  target: string;
  schema: DataSchemaInput;
  features: FeaturePipelineSpecInput;
  search: SearchSpecInput;
  thresholds: ThresholdInput[];
  modelName: string;
  task?: RetrainTaskKind;
  split?: SplitInput;
  folds?: number;
  validationFraction?: number;
  scoreTopK?: number;
  selectBy?: MetricName;
  seed?: number;
  championAlias?: string | null;
  promote?: boolean;
  stepTimeouts?: StepTimeouts;
}

export function retrainParams(d: RetrainParamDefaults) {
  const params = z.strictObject({
    ...ingestParams,
    source: z.string().min(1).default(d.source),
    target: z.string().min(1).default(d.target),
    task: z.enum(['auto', 'binary', 'multiclass', 'regression']).default(d.task ?? 'auto'),
    /** Binary tasks: the positive class (default: the second label in sorted order, as sklearn). */
    positiveClass: z.string().optional(),
    /** The declared data schema (docs/data-validation.md). */
    schema: dataSchema.prefault(d.schema),
    /** Compare the row count with the previous successful run's ('auto'), a number, or not at all (null). */
    previousRowCount: z.union([z.literal('auto'), z.number().int().min(0), z.null()]).default('auto'),
    /** The feature pipeline (docs/feature-pipeline.md), fitted on the train split only. */
    features: featurePipelineSpecSchema.prefault(d.features),
    split: splitSchema.prefault(d.split ?? {}),
    /** Named feature pipelines a search entry picks with `pipeline: <name>` (../params/pipelines.ts). */
    pipelines: pipelinesParam.optional(),
    /** Grid or random search over estimators and hyperparameters (docs/ml-models.md). */
    search: searchSpecSchema.prefault(d.search),
    /** k-fold cross-validation (2..20), or 0: one holdout of validationFraction of the train rows (../params/split.ts). */
    folds: foldsParam.default(d.folds ?? 3),
    validationFraction: validationFractionParam.default(d.validationFraction ?? 0.2),
    /** Fit the k best trials and score each on the test set (evaluate's leaderboard). */
    scoreTopK: scoreTopKParam.default(d.scoreTopK ?? 1),
    /** Classification: 'balanced' or {class: weight}, weighting every fit (CV folds and train_best), not the metrics (../params/class-weight.ts). */
    classWeight: classWeightParam.optional(),
    /** The cross-validation metric the best trial is chosen by. */
    selectBy: metricNameSchema.default(d.selectBy ?? 'accuracy'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .default(d.seed ?? 42),
    /** TFX-style blessing (README "Gate"): value thresholds, and change thresholds vs the champion. */
    thresholds: z.array(thresholdSchema).default(d.thresholds as never),
    /** The registry alias a blessed model is promoted to and the candidate is compared with; null: register only. */
    championAlias: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}$/)
      // The registry's rule, checked before any task runs: 'latest' and 'v<number>' name versions.
      .refine((a) => a !== 'latest' && !/^v\d+$/.test(a), {
        error: (i) => `alias ${JSON.stringify(i.input)} is reserved ('latest' and 'v<number>' refer to versions)`,
      })
      .nullable()
      .default(d.championAlias === undefined ? 'champion' : d.championAlias),
    /** Promote a blessed model to `championAlias`. */
    promote: z.boolean().default(d.promote ?? true),
    /** Portable copies to make of a registered version (issue 13): ['onnx'] exports it and stores the file with the version. */
    export: z.array(z.enum(['onnx'])).default([]),
    modelName: modelNameParam.default(d.modelName),
    /** Timeouts of the heavy ML steps for this run (over the template's). */
    stepTimeouts: stepTimeoutsSchema.prefault(d.stepTimeouts ?? {}),
    /** Set by the retraining controller on drift-triggered runs: the alerts that caused this retrain. */
    driftAlerts: driftAlertsParam,
  });
  return params.superRefine(checkAcrossParams);
}

/** Rules that involve several params, checked at trigger time like the rest. */
function checkAcrossParams(
  p: Parameters<typeof checkTrialPipelines>[0] & { task: RetrainTaskKind; classWeight?: unknown },
  ctx: z.RefinementCtx,
): void {
  checkTrialPipelines(p, ctx);
  if (p.task === 'regression' && p.classWeight !== undefined)
    ctx.addIssue({ code: 'custom', path: ['classWeight'], message: "classWeight applies to classification; task is 'regression'" });
}

export type RetrainParams = z.output<ReturnType<typeof retrainParams>>;
