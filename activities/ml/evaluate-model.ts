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
import { METRIC_NAMES, METRICS, metricValue } from '../../ml/metrics/evaluation';
import type { ChampionScore, Evaluation, ModelDocument } from './offload/jobs/evaluate';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { getArtifact, putArtifact, runArtifactKey, type ArtifactStore, type StoreProvider } from './store';
import type { DatasetRef } from './dataset';
import type { RankedModel } from './train-model';
import { readSplitRows } from './training-data';
import type { ReportInsights } from './report-insights';
import type { ArtifactRef } from './types';
import { evaluationArtifact, type ChampionMetrics, type EvaluationArtifact } from './evaluation-artifact';

export type { ChampionMetrics } from './evaluation-artifact';

export interface EvaluateModelInput {
  model: ArtifactRef;
  dataset: DatasetRef;
  split: ArtifactRef;
  /** Compare with the version holding this alias (e.g. 'champion'); null: no comparison. */
  championAlias: string | null;
  /** Binary tasks: the class precision/recall/F1/ROC are about (default: the second class in sorted order). */
  positiveClass?: string;
  /** train_best's top trials (scoreTopK > 1): each is scored on the same test rows, for the leaderboard. */
  ranked?: RankedModel[];
}

/** One of the top trials: its validation score (what ranked it) and its test metrics. */
export interface LeaderboardEntry {
  rank: number;
  index: number;
  kind: string;
  hyperparams: Record<string, number | string | boolean>;
  /** The named feature pipeline of the trial (absent: the `features` param's). */
  pipeline?: string;
  validation: { metric: string; mean: number; std: number };
  test: Record<string, number>;
}

export interface EvaluateModelOutput {
  task: 'binary' | 'multiclass' | 'regression';
  /** METRICS names (accuracy, f1, macro_f1, roc_auc, log_loss, precision, recall | rmse, mae, r2) plus n. */
  metrics: Record<string, number>;
  classes: string[];
  confusion?: number[][];
  champion: ChampionMetrics | null;
  /** Full evaluation: per-class scores, confusion, ROC curves of candidate and champion, thresholds, importances. */
  evaluation: ArtifactRef;
  /** For the report: the model's own and permutation importances (top features). */
  importance?: ReportInsights['importance'];
  /** With scoreTopK > 1: the top trials by validation score, each fitted on the train split and scored on the test rows (rank 1 = the candidate). */
  leaderboard?: LeaderboardEntry[];
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

interface ChampionDocument {
  version: { version: number; metrics: Record<string, number> };
  /** The champion's model document, or why it could not be read. */
  model: ModelDocument | { note: string };
}

/** The version holding `alias` and its model document; null when no version holds it. */
async function championDocument(store: ArtifactStore, name: string, alias: string): Promise<ChampionDocument | null> {
  let version;
  try {
    version = await getVersionByAlias(store, name, alias);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  try {
    return { version, model: { doc: await getArtifact(store, version.model), uri: version.model.uri } };
  } catch (err) {
    return { version, model: { note: `cannot load the champion's model (${(err as Error).message}); using its recorded metrics` } };
  }
}

function championMetrics(
  found: ChampionDocument | null,
  score: ChampionScore | null,
  task: EvaluateModelOutput['task'],
  ctx: TaskContext,
): { champion: ChampionMetrics | null; evaluation?: Evaluation } {
  if (!found) return { champion: null };
  const { version } = found;
  const outcome = 'note' in found.model ? found.model : score;
  if (!outcome) return { champion: null };
  if ('evaluation' in outcome) {
    return {
      champion: { version: version.version, metrics: metricsRecord(outcome.evaluation, task), source: 'rescored' },
      evaluation: outcome.evaluation,
    };
  }
  if ('warning' in outcome) ctx.log.warn('champion cannot score this test split', { error: outcome.warning });
  return { champion: { version: version.version, metrics: version.metrics, source: 'recorded', note: outcome.note } };
}

export function evaluateModel(store: StoreProvider) {
  return async (input: EvaluateModelInput, ctx: TaskContext): Promise<EvaluateModelOutput> => {
    const s = store(ctx);
    const [candidateDoc, { frame, test }] = await heartbeating(ctx, READING, () =>
      Promise.all([getArtifact(s, input.model), readSplitRows(s, input.dataset, input.split)]),
    );
    const modelName = (candidateDoc as { modelName?: unknown } | null)?.modelName;
    const found =
      input.championAlias !== null && typeof modelName === 'string' ? await championDocument(s, modelName, input.championAlias) : null;
    // The leaderboard's other models (rank 1 is the candidate itself).
    const others = (input.ranked ?? []).filter((r) => r.model.uri !== input.model.uri);
    const otherDocs = await Promise.all(others.map(async (r) => ({ doc: await getArtifact(s, r.model), uri: r.model.uri })));
    let scored;
    try {
      // Model parsing, prediction and metrics of candidate and champion run in a worker thread.
      scored = await offloadForTask(
        ctx,
        'evaluateModels',
        {
          candidate: { doc: candidateDoc, uri: input.model.uri },
          champion: found && 'doc' in found.model ? found.model : null,
          frame,
          rows: test,
          ...(input.positiveClass !== undefined && { positiveClass: input.positiveClass }),
          ...(otherDocs.length > 0 && { others: otherDocs }),
        },
        { transfer: [test.buffer as ArrayBuffer] },
      );
    } catch (err) {
      throw locateError(err, 'evaluate');
    }
    const { task, candidate: ev, insights } = scored;
    if (scored.insightsError !== undefined)
      ctx.log.warn('report insights (importances, thresholds) skipped', { error: scored.insightsError });
    const { champion, evaluation: champEv } = championMetrics(found, scored.champion, task, ctx);
    const doc: EvaluationArtifact = {
      ...evaluationArtifact.head,
      model: input.model.uri,
      task,
      candidate: ev,
      champion: champion && { ...champion, ...(champEv && { evaluation: champEv }) },
      ...insights,
    };
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'evaluation/evaluation.json'), doc);
    const metrics = metricsRecord(ev, task);
    const leaderboard =
      input.ranked && input.ranked.length > 1
        ? input.ranked.map((r): LeaderboardEntry => {
            const at = others.indexOf(r);
            const other = at < 0 ? undefined : scored.others?.[at];
            return {
              rank: r.rank,
              index: r.trial.index,
              kind: r.trial.kind,
              hyperparams: r.trial.hyperparams,
              ...(r.trial.pipeline !== undefined && { pipeline: r.trial.pipeline }),
              validation: { metric: r.trial.metric, mean: r.trial.mean, std: r.trial.std },
              test: other ? metricsRecord(other, task) : metrics,
            };
          })
        : undefined;
    ctx.log.info('evaluated model', { ...metrics, champion: champion?.version, leaderboard: leaderboard?.length });
    return {
      task,
      metrics,
      classes: scored.classes,
      ...('confusion' in ev && ev.confusion.length <= 30 && { confusion: ev.confusion }),
      champion,
      evaluation: ref,
      ...(insights.importance && { importance: insights.importance }),
      ...(leaderboard && { leaderboard }),
    };
  };
}
