/**
 * `defineRetrainDag`: a whole retraining pipeline from a few typed options.
 *
 *   ingest ── validate ── split ── [afterSplit] ──────────────────────────────────┐
 *   candidates ─── tune[*] (k-fold CV per trial) ── train_best ── evaluate ── gate ─┬─ register ─┐
 *                                                                                    └─ rejected ─┴─ [beforeReport] ── report
 *
 * ingest      the run's slice of the source (key template / data-interval filter) → Arrow dataset
 * validate    declared schema + statistics + anomalies (TFDV-like); blocking anomalies fail the run
 * split       stratified, random or time-based; settles the task (binary / multiclass / regression)
 * tune        one instance per trial of the grid / random search; the feature pipeline is refitted per fold
 *             (k-fold CV, or with folds 0 one holdout of validationFraction of the train rows)
 * train_best  the best trial by its CV metric, fitted on the whole train split → tideflow.model artifact
 *             (with scoreTopK k, the next k − 1 trials too: evaluate scores each, its leaderboard)
 * evaluate    candidate and the current champion, on the same test rows
 * gate        TFX blessing, decided once in the workflow: its output (the decision) is read by
 *             register, rejected and report
 * register    a registry version with lineage; promoted to the champion alias when `promote`
 * report      a self-contained HTML report
 *
 * The options give the params' defaults (every param can still be set per run, see
 * ./retrain-params.ts); `steps` inserts own tasks after split or before report. The heavy steps
 * (tune, train_best, evaluate) take their timeouts from the `stepTimeouts` param and may run on
 * their own task queue (`mlTaskQueue`, or the run's `queues.ml` that starters set from
 * TIDEFLOW_ML_TASK_QUEUE).
 */
import type { EvaluateModelOutput } from '../../activities/ml/evaluate-model';
import type { IngestOutput } from '../../activities/ml/ingest-data';
import type { RegisterModelOutput } from '../../activities/ml/register-model';
import type { RejectModelOutput } from '../../activities/ml/reject-model';
import type { SplitDataOutput } from '../../activities/ml/split-data';
import type { TrainModelOutput } from '../../activities/ml/train-model';
import type { TrialResult } from '../../activities/ml/tune-trial';
import type { ValidateDataOutput } from '../../activities/ml/validate-data';
import type { DagBuilder, TaskRef, Upstream } from '../../core/define';
import type { CacheSpec, DagDefinition, RetrySpec, ScheduleSpec, TaskOptionsBase } from '../../core/model';
import type { Activities } from '../../activities';
import { decideGate, type GateDecision } from '../../mlops/gate';
import { defineDag } from '../define';
import { ingestInput } from '../params/ingest';
import { ingestRunOptions, mlStepRunOptions } from '../params/ml-steps';
import { retrainParams, type RetrainParamDefaults, type RetrainParams } from './retrain-params';

export type RetrainBuilder = DagBuilder<Activities, RetrainParams>;

/** Handles on the template's tasks, for own steps to read (`t.split.out.split`) or wait for. */
export interface RetrainTasks {
  ingest: TaskRef<'ingest', IngestOutput>;
  validate: TaskRef<'validate', ValidateDataOutput>;
  split: TaskRef<'split', SplitDataOutput>;
  candidates?: TaskRef<'candidates', unknown>;
  tune?: TaskRef<'tune', TrialResult[]>;
  trainBest?: TaskRef<'train_best', TrainModelOutput>;
  evaluate?: TaskRef<'evaluate', EvaluateModelOutput>;
  gate?: TaskRef<'gate', GateDecision>;
  register?: TaskRef<'register', RegisterModelOutput>;
  rejected?: TaskRef<'rejected', RejectModelOutput>;
}
type AllTasks = Required<RetrainTasks>;

/** An own step: declare tasks on `dag`; return the ones the pipeline should wait for. */
export type RetrainStep<T> = (dag: RetrainBuilder, tasks: T) => Upstream | readonly Upstream[] | void;

export interface RetrainDagOptions extends RetrainParamDefaults {
  id: string;
  description?: string;
  tags?: string[];
  schedule?: ScheduleSpec;
  /** At most this many tasks at once (tune instances included); default 4. */
  maxActiveTasks?: number;
  /** At most this many tune trials at once; default 4. */
  tuneParallel?: number;
  /** Task queue of the heavy ML steps (tune, train_best, evaluate); a run's `queues.ml` overrides it. */
  mlTaskQueue?: string;
  /** Retry policy of every step (default: 3 attempts from 2s; bad data fails at once whatever this says). */
  retry?: RetrySpec;
  /**
   * Step caching of the steps without side effects (ingest, validate, split, candidates, tune,
   * train_best, evaluate): an unchanged re-run reuses their outputs. register, rejected,
   * export_onnx, report and own `steps` never get it (set `cache` on an own step yourself).
   */
  cache?: CacheSpec;
  /** Own tasks inserted into the pipeline. */
  steps?: {
    /** After split; the search (candidates, tune) waits for what this returns. */
    afterSplit?: RetrainStep<Pick<RetrainTasks, 'ingest' | 'validate' | 'split'>>;
    /** After register/rejected; report waits for what this returns. */
    beforeReport?: RetrainStep<AllTasks>;
  };
}

/** Today's ml_retrain timeouts of the heavy steps, unless the template or a run's params raise them. */
const HEAVY = { startToCloseTimeout: '30 minutes', heartbeatTimeout: '1 minute' } as const satisfies TaskOptionsBase;

/**
 * Short steps (a search expansion, a rejection note) run as local activities: no server round
 * trip. register stays a normal activity: it copies the model's artifacts, which can take longer.
 */
const SHORT = { local: true, startToCloseTimeout: '10 seconds' } as const satisfies TaskOptionsBase;

const asList = (r: Upstream | readonly Upstream[] | void): Upstream[] =>
  r === undefined ? [] : Array.isArray(r) ? [...r] : [r as Upstream];

export function defineRetrainDag(o: RetrainDagOptions): DagDefinition<RetrainParams> {
  // Given to each cacheable step by name, not as a DAG default: own steps may have side effects.
  const cached = o.cache === undefined ? {} : { cache: o.cache };
  const heavy = { ...HEAVY, runOptions: mlStepRunOptions(o.mlTaskQueue) };
  return defineDag(
    {
      id: o.id,
      description: o.description ?? `Retrain, evaluate against the champion, gate, register and report '${o.modelName}'.`,
      tags: o.tags ?? ['ml'],
      params: retrainParams(o),
      ...(o.schedule !== undefined && { schedule: o.schedule }),
      maxActiveTasks: o.maxActiveTasks ?? 4,
      // Bad data or settings fail non-retryably; other errors (S3, a lost worker) are retried.
      defaults: { startToCloseTimeout: '5 minutes', retry: o.retry ?? { maxAttempts: 3, initialInterval: '2s' } },
    },
    (dag) => {
      const p = dag.params;
      const ingest = dag.task('ingest', {
        activity: 'mlIngest',
        ...cached,
        retry: { maxAttempts: 4, initialInterval: '5s', maxInterval: '1 minute' },
        heartbeatTimeout: '1 minute',
        runOptions: ingestRunOptions('1 minute'),
        input: ({ params }) => ingestInput(params),
      });
      const validate = dag.task('validate', {
        activity: 'mlValidate',
        ...cached,
        input: { dataset: ingest, schema: p.schema, previousRowCount: p.previousRowCount },
      });
      const split = dag.task('split', {
        activity: 'mlSplit',
        ...cached,
        input: {
          dataset: validate.out.dataset,
          target: p.target,
          task: p.task,
          strategy: p.split.strategy,
          testFraction: p.split.testFraction,
          seed: p.seed,
          timeColumn: p.split.timeColumn,
          cutoff: p.split.cutoff,
        },
      });
      const afterSplit = asList(o.steps?.afterSplit?.(dag, { ingest, validate, split }));
      const candidates = dag.task('candidates', {
        activity: 'mlExpandSearch',
        ...cached,
        description: 'Expand the declared search (grid or random) into one item per tune instance.',
        ...SHORT,
        upstream: afterSplit,
        input: { search: p.search, seed: p.seed },
      });
      // What tune and train_best both get: the validated data, its split and the task it settled, the pipeline to fit.
      const training = {
        dataset: validate.out.dataset,
        split: split.out.split,
        target: p.target,
        task: split.out.task,
        classes: split.out.classes,
        features: p.features,
        seed: p.seed,
        metric: p.selectBy,
        classWeight: p.classWeight,
        pipelines: p.pipelines,
      };
      const tune = dag.map('tune', {
        activity: 'mlTuneTrial',
        ...cached,
        over: candidates,
        maxParallel: o.tuneParallel ?? 4,
        ...heavy,
        input: { ...training, trial: dag.item(candidates), folds: p.folds, validationFraction: p.validationFraction },
      });
      const trainBest = dag.task('train_best', {
        activity: 'mlTrainModel',
        ...cached,
        ...heavy,
        input: { ...training, trials: tune, modelName: p.modelName, scoreTopK: p.scoreTopK },
      });
      const evaluate = dag.task('evaluate', {
        activity: 'mlEvaluate',
        ...cached,
        runOptions: heavy.runOptions,
        input: {
          model: trainBest.out.model,
          dataset: validate.out.dataset,
          split: split.out.split,
          championAlias: p.championAlias,
          positiveClass: p.positiveClass,
          ranked: trainBest.out.ranked,
        },
      });
      const gate = dag.empty('gate', {
        description: 'Bless the candidate (value thresholds, and change thresholds vs the champion) or reject it.',
        input: dag.compute(evaluate, (e, { params }) => decideGate(e.metrics, params.thresholds, e.champion)),
        branch: (decision) => (decision.blessed ? 'register' : 'rejected'),
      });
      const register = dag.task('register', {
        activity: 'mlRegister',
        input: {
          modelName: p.modelName,
          model: trainBest.out.model,
          metrics: evaluate.out.metrics,
          gateSummary: gate.out.summary,
          promoteTo: dag.compute(p, (params) => (params.promote ? params.championAlias : null)),
          lineage: { source: ingest.out.source, dataset: ingest, split: split.out.split, pipeline: trainBest.out.pipeline },
        },
      });
      // export: ['onnx'] (issue 13): the registered version as an ONNX file, stored with it; skipped otherwise.
      const exportPoint = dag.empty('export', {
        upstream: [register],
        branch: (_none, { params }) => (params.export.includes('onnx') ? 'export_onnx' : null),
      });
      dag.task('export_onnx', {
        activity: 'mlExportModel',
        upstream: [exportPoint],
        input: { modelName: register.out.modelName, version: register.out.version, format: 'onnx' },
      });
      const rejected = dag.task('rejected', {
        activity: 'mlReject',
        ...SHORT,
        input: {
          modelName: p.modelName,
          metrics: evaluate.out.metrics,
          thresholds: p.thresholds,
          champion: evaluate.out.champion,
          decision: gate,
        },
      });
      const tasks: AllTasks = { ingest, validate, split, candidates, tune, trainBest, evaluate, gate, register, rejected };
      const beforeReport = asList(o.steps?.beforeReport?.(dag, tasks));
      dag.task('report', {
        activity: 'mlReport',
        upstream: [register, rejected, ...beforeReport],
        triggerRule: 'none_failed_min_one_success',
        input: {
          modelName: p.modelName,
          ingest,
          validation: validate,
          split,
          trials: tune,
          training: trainBest,
          evaluation: evaluate,
          thresholds: p.thresholds,
          gate,
          // The branch not taken is skipped: it reads as null.
          registered: register,
          rejected,
        },
      });
    },
  );
}
