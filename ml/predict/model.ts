/**
 * The model document, `tideflow.model` version 1: everything needed to score raw rows, in one
 * JSON document — the target and classes, the fitted feature pipeline
 * (`tideflow.feature-pipeline`) and the estimator (`tideflow.estimator`), plus how it was
 * trained. Pure: batch prediction (activities) and the prediction server (serve/) both parse it
 * here, so they can never disagree about what a model is.
 */
import { z } from 'zod';
import { estimatorFromJson, type Estimator, type EstimatorJson, type Task } from '../estimators';
import { parseFittedPipeline, type FittedFeaturePipeline } from '../features';
import { InputError } from '../../core/errors';

export const MODEL_FORMAT = 'tideflow.model';
export const MODEL_VERSION = 1;

export interface ModelArtifact {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  modelName: string;
  task: Task;
  target: string;
  /** Classification: labels by class index (binary: classes[1] is the positive class). */
  classes: string[];
  pipeline: FittedFeaturePipeline;
  estimator: EstimatorJson;
  trial: { index: number; kind: string; hyperparams: Record<string, unknown> };
  training: { rows: number; dataset: string; split: string; seed: number; dagId: string; workflowId: string };
}

/** A model ready to score: the artifact with its pipeline and estimator parsed. */
export interface LoadedModel {
  artifact: ModelArtifact;
  pipeline: FittedFeaturePipeline;
  estimator: Estimator;
}

/** A document that is not a usable model; the message names the document (its uri) and why. */
export class ModelDocumentError extends Error {
  override readonly name = 'ModelDocumentError';
}

const envelope = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  modelName: z.string(),
  task: z.enum(['binary', 'multiclass', 'regression']),
  target: z.string(),
  classes: z.array(z.string()),
  pipeline: z.unknown(),
  estimator: z.unknown(),
  trial: z.object({ index: z.number(), kind: z.string(), hyperparams: z.record(z.string(), z.unknown()) }),
  training: z.object({
    rows: z.number(),
    dataset: z.string(),
    split: z.string(),
    seed: z.number(),
    dagId: z.string(),
    workflowId: z.string(),
  }),
});

const invalid = (uri: string, why: string): ModelDocumentError => new ModelDocumentError(`${uri} is not a usable tideflow.model: ${why}`);

/** Parse and check a model document; `uri` names it in errors (ModelDocumentError). */
export function parseModelDocument(doc: unknown, uri: string): LoadedModel {
  const format = (doc as { format?: unknown } | null)?.format;
  const version = (doc as { version?: unknown } | null)?.version;
  if (format !== MODEL_FORMAT) throw invalid(uri, `format is ${JSON.stringify(format)}, expected '${MODEL_FORMAT}'`);
  if (version !== MODEL_VERSION)
    throw invalid(uri, `version ${JSON.stringify(version)} is not supported (this build reads version ${MODEL_VERSION})`);
  const parsed = envelope.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(uri, issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid');
  }
  try {
    const pipeline = parseFittedPipeline(parsed.data.pipeline);
    const estimator = estimatorFromJson(parsed.data.estimator);
    if (estimator.numFeatures !== pipeline.featureNames.length)
      throw new InputError(`estimator expects ${estimator.numFeatures} features, the pipeline makes ${pipeline.featureNames.length}`);
    if (estimator.task !== parsed.data.task) throw new InputError(`estimator is for ${estimator.task}, the model says ${parsed.data.task}`);
    if (parsed.data.task !== 'regression' && parsed.data.classes.length !== estimator.numClasses)
      throw new InputError(`the model lists ${parsed.data.classes.length} classes, the estimator predicts ${estimator.numClasses}`);
    return { artifact: parsed.data as ModelArtifact, pipeline, estimator };
  } catch (err) {
    throw invalid(uri, (err as Error).message);
  }
}
