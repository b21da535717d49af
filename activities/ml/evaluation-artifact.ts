/**
 * The evaluation artifact, `tideflow.evaluation` version 1 (`evaluation/evaluation.json`): the
 * candidate's full evaluation on the test rows (per-class scores, confusion matrix, ROC curve),
 * the champion's when it was compared, and the report's insights. One declaration; its type is
 * z.infer. The evaluations and insights are ml/'s own result types: the schema checks that each
 * is an object and types it, and rocCurveOf checks the one part the report draws from them.
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { ArtifactError } from '../../core/errors';
import { TASKS, type Task } from '../../ml/estimators/types';
import type { ReportEvaluation, ReportImportance, ReportRocCurve, ReportThresholds } from '../../ml/report';
import type { ClassificationEvaluation, RegressionEvaluation } from '../../ml/metrics/evaluation';

type Evaluation = ClassificationEvaluation | RegressionEvaluation;

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = <T>(what: string) => z.custom<T>(isObject, `expected ${what} (an object)`);

/** The champion compared with: its version and metrics (rescored: on this run's test rows; recorded: from its registration). */
export const championMetricsSchema = z.object({
  version: z.number().int(),
  metrics: z.record(z.string(), z.number()),
  source: z.enum(['rescored', 'recorded']),
  note: z.string().optional(),
});
export type ChampionMetrics = z.infer<typeof championMetricsSchema>;

export const evaluationArtifact = defineArtifact('tideflow.evaluation', 1, {
  /** The candidate model's uri. */
  model: z.string(),
  task: z.enum(TASKS as [Task, ...Task[]]),
  candidate: object<Evaluation>('an evaluation'),
  /** Null: no champion; its evaluation is there when it was rescored on these rows. */
  champion: championMetricsSchema.extend({ evaluation: object<Evaluation>('an evaluation').optional() }).nullable(),
  importance: object<ReportImportance>('feature importances').optional(),
  thresholds: object<ReportThresholds>('a threshold table').optional(),
});
export type EvaluationArtifact = ArtifactOf<typeof evaluationArtifact>;

const rocCurve = z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) });

/** A binary evaluation's ROC curve, when it has a well-formed one (a regression or multiclass evaluation has none). */
export function rocCurveOf(evaluation: Evaluation | undefined): ReportRocCurve | undefined {
  const parsed = rocCurve.safeParse(evaluation && 'rocCurve' in evaluation ? evaluation.rocCurve : undefined);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The report's evaluation section completed from the evaluation artifact's JSON bytes: the
 * candidate's and the champion's ROC curves and the threshold table. At 500k test rows the
 * curves hold ~100k points each, so the report's thread parses them, not the activity.
 */
export function withEvaluationArtifact(evaluation: ReportEvaluation, json: Uint8Array, uri: string): ReportEvaluation {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(json));
  } catch (err) {
    throw new ArtifactError(`artifact ${uri} is not JSON: ${(err as Error).message}`);
  }
  const doc = evaluationArtifact.parse(raw, uri);
  const candidateCurve = rocCurveOf(doc.candidate);
  const championCurve = rocCurveOf(doc.champion?.evaluation);
  return {
    ...evaluation,
    ...(candidateCurve && { rocCurve: candidateCurve }),
    ...(evaluation.champion && championCurve && { champion: { ...evaluation.champion, rocCurve: championCurve } }),
    ...(doc.thresholds && { thresholds: doc.thresholds }),
  };
}
