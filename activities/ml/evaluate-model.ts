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
import type { ChampionDocument } from './offload/jobs/evaluate';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { getArtifact, putArtifactBytes, runArtifactKey, type ArtifactStore, type StoreProvider } from './store';
import type { DatasetRef } from './dataset';
import type { RankedModel } from './train-model';
import { readSplitRows } from './training-data';
import type { ReportInsights } from './report-insights';
import type { ArtifactRef } from './types';
import type { ChampionMetrics } from './evaluation-artifact';

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

/** The version holding `alias` and its model document; null when no version holds it. */
async function championDocument(store: ArtifactStore, name: string, alias: string): Promise<ChampionDocument | null> {
  let found;
  try {
    found = await getVersionByAlias(store, name, alias);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  const version = { version: found.version, metrics: found.metrics };
  try {
    return { version, model: { doc: await getArtifact(store, found.model), uri: found.model.uri } };
  } catch (err) {
    return { version, model: { note: `cannot load the champion's model (${(err as Error).message}); using its recorded metrics` } };
  }
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
          champion: found,
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
    const { task, metrics, champion } = scored;
    if (scored.insightsError !== undefined)
      ctx.log.warn('report insights (importances, thresholds) skipped', { error: scored.insightsError });
    if (scored.championWarning !== undefined) ctx.log.warn('champion cannot score this test split', { error: scored.championWarning });
    const ref = await putArtifactBytes(s, runArtifactKey(s, ctx, 'evaluation/evaluation.json'), scored.artifact);
    const leaderboard =
      input.ranked && input.ranked.length > 1
        ? input.ranked.map((r): LeaderboardEntry => {
            const at = others.indexOf(r);
            return {
              rank: r.rank,
              index: r.trial.index,
              kind: r.trial.kind,
              hyperparams: r.trial.hyperparams,
              ...(r.trial.pipeline !== undefined && { pipeline: r.trial.pipeline }),
              validation: { metric: r.trial.metric, mean: r.trial.mean, std: r.trial.std },
              test: (at < 0 ? undefined : scored.others?.[at]) ?? metrics,
            };
          })
        : undefined;
    ctx.log.info('evaluated model', { ...metrics, champion: champion?.version, leaderboard: leaderboard?.length });
    return {
      task,
      metrics,
      classes: scored.classes,
      ...(scored.confusion && { confusion: scored.confusion }),
      champion,
      evaluation: ref,
      ...(scored.importance && { importance: scored.importance }),
      ...(leaderboard && { leaderboard }),
    };
  };
}
