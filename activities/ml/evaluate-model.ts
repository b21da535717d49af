/**
 * evaluate: score the candidate on the held-out test split and, when the model has a champion,
 * score the champion on the very same rows (TFX's baseline comparison): the gate then compares
 * like with like. A champion that cannot score these rows (another target, classes or input
 * columns) falls back to the metrics recorded when it was registered, and the output says so.
 * The full evaluation (per-class scores, confusion matrix, ROC curves) goes to an artifact; the
 * output keeps the metrics the gate and the report need.
 */
import { locateError } from '../../core/errors';
import type { TaskContext } from '../context';
import { getVersionByAlias, NotFoundError } from '../../registry';
import {
  evaluateClassification,
  evaluateRegression,
  METRIC_NAMES,
  METRICS,
  metricValue,
  type ClassificationEvaluation,
  type RegressionEvaluation,
} from '../../ml/metrics/evaluation';
import type { Frame } from '../../ml/frame/frame';
import { encodeTarget, predictFrame, readModel, type LoadedModel } from './model-artifact';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { DatasetRef } from './dataset';
import { readSplitFrames } from './training-data';
import type { ArtifactRef } from './types';

export interface EvaluateModelInput {
  model: ArtifactRef;
  dataset: DatasetRef;
  split: ArtifactRef;
  /** Compare with the version holding this alias (e.g. 'champion'); null: no comparison. */
  championAlias: string | null;
  /** Binary tasks: the class precision/recall/F1/ROC are about (default: the second class in sorted order). */
  positiveClass?: string;
}

export interface ChampionMetrics {
  version: number;
  metrics: Record<string, number>;
  /** rescored: evaluated on this run's test rows; recorded: its metrics from registration. */
  source: 'rescored' | 'recorded';
  note?: string;
}

export interface EvaluateModelOutput {
  task: 'binary' | 'multiclass' | 'regression';
  /** METRICS names (accuracy, f1, macro_f1, roc_auc, log_loss, precision, recall | rmse, mae, r2) plus n. */
  metrics: Record<string, number>;
  classes: string[];
  confusion?: number[][];
  champion: ChampionMetrics | null;
  /** Full evaluation: per-class scores, confusion, ROC curves of candidate and champion. */
  evaluation: ArtifactRef;
}

type Evaluation = ClassificationEvaluation | RegressionEvaluation;

function evaluate(model: LoadedModel, test: Frame, positiveClass: string | undefined): Evaluation {
  const a = model.artifact;
  const y = encodeTarget(test, a.target, a.task, a.classes);
  const pred = predictFrame(model, test);
  if (a.task === 'regression' || !pred.proba) return evaluateRegression(y, pred.values);
  return evaluateClassification(y, pred.proba, a.classes.length, a.classes, a.task === 'binary' ? positiveClass : undefined);
}

/** The evaluation's metrics by METRICS name (those defined for this task), plus n. */
export function metricsRecord(ev: Evaluation, task: EvaluateModelOutput['task']): Record<string, number> {
  const out: Record<string, number> = { n: ev.n };
  for (const m of METRIC_NAMES) {
    if (!(METRICS[m].tasks as readonly string[]).includes(task)) continue;
    const v = metricValue(m, ev);
    if (v !== null) out[m] = v;
  }
  return out;
}

async function championMetrics(
  input: EvaluateModelInput,
  candidate: LoadedModel,
  test: Frame,
  ctx: TaskContext,
  store: ReturnType<StoreProvider>,
): Promise<{ champion: ChampionMetrics | null; evaluation?: Evaluation }> {
  if (input.championAlias === null) return { champion: null };
  const name = candidate.artifact.modelName;
  let version;
  try {
    version = await getVersionByAlias(store, name, input.championAlias);
  } catch (err) {
    if (err instanceof NotFoundError) return { champion: null };
    throw err;
  }
  const recorded = (note: string): { champion: ChampionMetrics } => ({
    champion: { version: version.version, metrics: version.metrics, source: 'recorded', note },
  });
  let champ: LoadedModel;
  try {
    champ = await readModel(store, version.model);
  } catch (err) {
    return recorded(`cannot load the champion's model (${(err as Error).message}); using its recorded metrics`);
  }
  const a = champ.artifact;
  const c = candidate.artifact;
  if (a.task !== c.task || a.target !== c.target || a.classes.join('\u0000') !== c.classes.join('\u0000')) {
    return recorded(
      `the champion predicts ${a.task} '${a.target}' [${a.classes.join(', ')}], not ${c.task} '${c.target}' [${c.classes.join(', ')}]; using its recorded metrics`,
    );
  }
  try {
    const evaluation = evaluate(champ, test, input.positiveClass);
    return { champion: { version: version.version, metrics: metricsRecord(evaluation, c.task), source: 'rescored' }, evaluation };
  } catch (err) {
    ctx.log.warn('champion cannot score this test split', { error: (err as Error).message });
    return recorded(`the champion cannot score this run's test rows (${(err as Error).message}); using its recorded metrics`);
  }
}

export function evaluateModel(store: StoreProvider) {
  return async (input: EvaluateModelInput, ctx: TaskContext): Promise<EvaluateModelOutput> => {
    const s = store(ctx);
    const [candidate, { test }] = await Promise.all([readModel(s, input.model), readSplitFrames(s, input.dataset, input.split)]);
    let ev: Evaluation;
    try {
      ev = evaluate(candidate, test, input.positiveClass);
    } catch (err) {
      throw locateError(err, 'evaluate');
    }
    const task = candidate.artifact.task;
    const { champion, evaluation: champEv } = await championMetrics(input, candidate, test, ctx, s);
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'evaluation/evaluation.json'), {
      format: 'tideflow.evaluation',
      version: 1,
      model: input.model.uri,
      task,
      candidate: ev,
      champion: champion && { ...champion, ...(champEv && { evaluation: champEv }) },
    });
    const metrics = metricsRecord(ev, task);
    ctx.log.info('evaluated model', { ...metrics, champion: champion?.version });
    return {
      task,
      metrics,
      classes: candidate.artifact.classes,
      ...('confusion' in ev && ev.confusion.length <= 30 && { confusion: ev.confusion }),
      champion,
      evaluation: ref,
    };
  };
}
