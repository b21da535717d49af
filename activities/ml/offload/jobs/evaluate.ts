/**
 * evaluate's computation: score the candidate on the test rows and, when the champion's model
 * document was found, score the champion on the very same rows. A champion that cannot be
 * loaded, predicts something else, or cannot score these rows yields a note instead (the
 * activity then falls back to its recorded metrics).
 */
import { takeRows, type Frame } from '../../../../ml/frame/frame';
import {
  evaluateClassification,
  evaluateRegression,
  type ClassificationEvaluation,
  type RegressionEvaluation,
} from '../../../../ml/metrics/evaluation';
import { encodeTarget, loadModel, predictFrame, type LoadedModel, type ModelArtifact } from '../../model-artifact';
import { reportInsights, type ReportInsights } from '../../report-insights';

export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

export interface ModelDocument {
  doc: unknown;
  uri: string;
}

export interface EvaluateModelsInput {
  candidate: ModelDocument;
  champion: ModelDocument | null;
  frame: Frame;
  /** Indices of the test rows in `frame`. */
  rows: Int32Array;
  positiveClass?: string;
  /** More models to score on the same rows (train_best's top trials, for evaluate's leaderboard). */
  others?: ModelDocument[];
}

export type ChampionScore = { evaluation: Evaluation } | { note: string; warning?: string };

export interface EvaluateModelsOutput {
  task: ModelArtifact['task'];
  classes: string[];
  modelName: string;
  candidate: Evaluation;
  champion: ChampionScore | null;
  /** Importances and thresholds for the report ({} when they could not be computed: see insightsError). */
  insights: ReportInsights;
  insightsError?: string;
  /** The evaluations of `others`, in order. */
  others?: Evaluation[];
}

export function evaluateLoaded(model: LoadedModel, test: Frame, positiveClass: string | undefined): Evaluation {
  const a = model.artifact;
  const y = encodeTarget(test, a.target, a.task, a.classes);
  const pred = predictFrame(model, test);
  if (a.task === 'regression' || !pred.proba) return evaluateRegression(y, pred.values);
  return evaluateClassification(y, pred.proba, a.classes.length, a.classes, a.task === 'binary' ? positiveClass : undefined);
}

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

export function evaluateModels(input: EvaluateModelsInput, progress: (details: unknown) => void): EvaluateModelsOutput {
  const candidate = loadModel(input.candidate.doc, input.candidate.uri);
  const test = takeRows(input.frame, input.rows);
  progress({ phase: 'candidate' });
  const ev = evaluateLoaded(candidate, test, input.positiveClass);
  progress({ phase: 'report insights' });
  // Extras for the report: a failure here is reported, never fails the evaluation.
  let insights: ReportInsights = {};
  let insightsError: string | undefined;
  try {
    insights = reportInsights(candidate, test, input.positiveClass);
  } catch (err) {
    insightsError = (err as Error).message;
  }
  progress({ phase: 'champion' });
  const a = candidate.artifact;
  const others = input.others?.map((doc, i) => {
    progress({ phase: 'leaderboard', model: i + 1, of: input.others?.length });
    return evaluateLoaded(loadModel(doc.doc, doc.uri), test, input.positiveClass);
  });
  return {
    ...(others && { others }),
    insights,
    ...(insightsError !== undefined && { insightsError }),
    task: a.task,
    classes: a.classes,
    modelName: a.modelName,
    candidate: ev,
    champion: input.champion && scoreChampion(input.champion, a, test, input.positiveClass),
  };
}
