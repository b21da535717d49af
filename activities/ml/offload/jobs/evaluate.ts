/**
 * evaluate's computation: score the candidate on the test rows and, when the champion's model
 * document was found, score the champion on the very same rows. A champion that cannot be
 * loaded, predicts something else, or cannot score these rows yields a note instead (its
 * recorded metrics are used then).
 *
 * The evaluation artifact (full evaluations with their ROC curves, insights) is serialized here
 * and comes back as JSON bytes (transferred): at 500k test rows its curves hold ~100k points per
 * model, and receiving them as objects and stringifying them cost the activity's event loop
 * ~550 ms (structured-clone read, JSON.stringify and the garbage collections they set off). What
 * else crosses back is the few numbers the gate, the leaderboard and the report need.
 */
import { takeRows, type Frame } from '../../../../ml/frame/frame';
import {
  evaluateClassification,
  evaluateRegression,
  METRIC_NAMES,
  METRICS,
  metricValue,
  type ClassificationEvaluation,
  type RegressionEvaluation,
} from '../../../../ml/metrics/evaluation';
import { evaluationArtifact, type ChampionMetrics, type EvaluationArtifact } from '../../evaluation-artifact';
import { encodeTarget, loadModel, predictFrame, type LoadedModel, type ModelArtifact, type Prediction } from '../../model-artifact';
import { reportInsights, type ReportInsights } from '../../report-insights';

export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

export interface ModelDocument {
  doc: unknown;
  uri: string;
}

/** The registered version holding the champion alias, and its model document or why it could not be read. */
export interface ChampionDocument {
  version: { version: number; metrics: Record<string, number> };
  model: ModelDocument | { note: string };
}

export interface EvaluateModelsInput {
  candidate: ModelDocument;
  champion: ChampionDocument | null;
  frame: Frame;
  /** Indices of the test rows in `frame`. */
  rows: Int32Array;
  positiveClass?: string;
  /** More models to score on the same rows (train_best's top trials, for evaluate's leaderboard). */
  others?: ModelDocument[];
}

export interface EvaluateModelsOutput {
  task: ModelArtifact['task'];
  classes: string[];
  /** The candidate's metrics by METRICS name (those defined for its task), plus n. */
  metrics: Record<string, number>;
  /** The candidate's confusion matrix (classification with at most MAX_CONFUSION_CLASSES classes). */
  confusion?: number[][];
  /** The champion compared with (rescored on these rows, or its recorded metrics with a note); null: none. */
  champion: ChampionMetrics | null;
  /** Why the champion could not score these rows (to log), when that is why its recorded metrics are used. */
  championWarning?: string;
  /** Importances for the report (absent when they could not be computed: see insightsError). */
  importance?: ReportInsights['importance'];
  insightsError?: string;
  /** The metrics of `others`, in order. */
  others?: Record<string, number>[];
  /** The evaluation artifact (tideflow.evaluation) as the JSON bytes putArtifact would have written. */
  artifact: Uint8Array;
}

/** A confusion matrix of more classes than this stays in the artifact only. */
export const MAX_CONFUSION_CLASSES = 30;

/** The evaluation's metrics by METRICS name (those defined for this task), plus n. */
export function metricsRecord(ev: Evaluation, task: ModelArtifact['task']): Record<string, number> {
  const out: Record<string, number> = { n: ev.n };
  for (const m of METRIC_NAMES) {
    if (!(METRICS[m].tasks as readonly string[]).includes(task)) continue;
    const v = metricValue(m, ev);
    if (v !== null) out[m] = v;
  }
  return out;
}

/** The model's evaluation on `test`; `pred`: its predictions there when the caller already has them. */
export function evaluateLoaded(
  model: LoadedModel,
  test: Frame,
  positiveClass: string | undefined,
  pred: Prediction = predictFrame(model, test),
): Evaluation {
  const a = model.artifact;
  const y = encodeTarget(test, a.target, a.task, a.classes);
  if (a.task === 'regression' || !pred.proba) return evaluateRegression(y, pred.values);
  return evaluateClassification(y, pred.proba, a.classes.length, a.classes, a.task === 'binary' ? positiveClass : undefined);
}

type ChampionScore = { evaluation: Evaluation } | { note: string; warning?: string };

function scoreChampion(doc: ModelDocument, candidate: ModelArtifact, test: Frame, positiveClass: string | undefined): ChampionScore {
  let champ: LoadedModel;
  try {
    champ = loadModel(doc.doc, doc.uri);
  } catch (err) {
    return { note: `cannot load the champion's model (${(err as Error).message}); using its recorded metrics` };
  }
  const a = champ.artifact;
  const c = candidate;
  if (a.task !== c.task || a.target !== c.target || a.classes.join('\u0000') !== c.classes.join('\u0000')) {
    return {
      note: `the champion predicts ${a.task} '${a.target}' [${a.classes.join(', ')}], not ${c.task} '${c.target}' [${c.classes.join(', ')}]; using its recorded metrics`,
    };
  }
  try {
    return { evaluation: evaluateLoaded(champ, test, positiveClass) };
  } catch (err) {
    const message = (err as Error).message;
    return { note: `the champion cannot score this run's test rows (${message}); using its recorded metrics`, warning: message };
  }
}

/** The champion's metrics: rescored on these rows when it could be, else the ones recorded at its registration. */
function championMetrics(
  found: ChampionDocument,
  candidate: ModelArtifact,
  test: Frame,
  positiveClass: string | undefined,
): { champion: ChampionMetrics; evaluation?: Evaluation; warning?: string } {
  const { version } = found;
  const outcome: ChampionScore = 'note' in found.model ? found.model : scoreChampion(found.model, candidate, test, positiveClass);
  if ('evaluation' in outcome) {
    return {
      champion: { version: version.version, metrics: metricsRecord(outcome.evaluation, candidate.task), source: 'rescored' },
      evaluation: outcome.evaluation,
    };
  }
  const champion: ChampionMetrics = { version: version.version, metrics: version.metrics, source: 'recorded', note: outcome.note };
  return 'warning' in outcome && outcome.warning !== undefined ? { champion, warning: outcome.warning } : { champion };
}

export function evaluateModels(input: EvaluateModelsInput, progress: (details: unknown) => void): EvaluateModelsOutput {
  const candidate = loadModel(input.candidate.doc, input.candidate.uri);
  const a = candidate.artifact;
  const test = takeRows(input.frame, input.rows);
  progress({ phase: 'candidate' });
  // Scored once: the evaluation and the report's threshold analysis read the same predictions
  // (a second scoring of 501,030 flights rows had cost evaluate ~2.5 s).
  const pred = predictFrame(candidate, test);
  const ev = evaluateLoaded(candidate, test, input.positiveClass, pred);
  progress({ phase: 'report insights' });
  // Extras for the report: a failure here is reported, never fails the evaluation.
  let insights: ReportInsights = {};
  let insightsError: string | undefined;
  try {
    insights = reportInsights(candidate, test, input.positiveClass, pred);
  } catch (err) {
    insightsError = (err as Error).message;
  }
  progress({ phase: 'champion' });
  const champ = input.champion && championMetrics(input.champion, a, test, input.positiveClass);
  const others = input.others?.map((doc, i) => {
    progress({ phase: 'leaderboard', model: i + 1, of: input.others?.length });
    return metricsRecord(evaluateLoaded(loadModel(doc.doc, doc.uri), test, input.positiveClass), a.task);
  });
  const doc: EvaluationArtifact = {
    ...evaluationArtifact.head,
    model: input.candidate.uri,
    task: a.task,
    candidate: ev,
    champion: champ && { ...champ.champion, ...(champ.evaluation && { evaluation: champ.evaluation }) },
    ...insights,
  };
  return {
    task: a.task,
    classes: a.classes,
    metrics: metricsRecord(ev, a.task),
    ...('confusion' in ev && ev.confusion.length <= MAX_CONFUSION_CLASSES && { confusion: ev.confusion }),
    champion: champ?.champion ?? null,
    ...(champ?.warning !== undefined && { championWarning: champ.warning }),
    ...(insights.importance && { importance: insights.importance }),
    ...(insightsError !== undefined && { insightsError }),
    ...(others && { others }),
    artifact: new TextEncoder().encode(JSON.stringify(doc)),
  };
}
