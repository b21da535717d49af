/**
 * The model document, `tideflow.model` version 1: everything needed to score raw rows, in one
 * JSON document — the target and classes, the fitted feature pipeline
 * (`tideflow.feature-pipeline`) and the estimator (`tideflow.estimator`), plus how it was
 * trained. Pure: batch prediction (activities) and the prediction server (serve/) both parse it
 * here, so they can never disagree about what a model is.
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { estimatorFromJson, prepareEstimator, TASKS, type Estimator, type EstimatorJson, type Task } from '../estimators';
import { parseFittedPipeline, prepareTransform, type FittedFeaturePipeline } from '../features';
import { InputError } from '../../core/errors';

/** An object whose own parser (parseFittedPipeline, estimatorFromJson) checks it in depth below. */
const checkedBelow = <T>() => z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object');

/** The one declaration of the model document; its type is z.infer. */
export const modelDocument = defineArtifact('tideflow.model', 1, {
  modelName: z.string(),
  task: z.enum(TASKS as [Task, ...Task[]]),
  target: z.string(),
  /** Classification: labels by class index (binary: classes[1] is the positive class). */
  classes: z.array(z.string()),
  pipeline: checkedBelow<FittedFeaturePipeline>(),
  estimator: checkedBelow<EstimatorJson>(),
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
export type ModelArtifact = ArtifactOf<typeof modelDocument>;

export const MODEL_FORMAT = modelDocument.format;
export const MODEL_VERSION = modelDocument.version;

/**
 * A model ready to score: the artifact with its pipeline and estimator parsed. Immutable once
 * parsed: what scoring needs (a GBT's compiled trees, lookup tables) is built from it once, at load;
 * an edited model is a new document, parsed again.
 */
export interface LoadedModel {
  artifact: ModelArtifact;
  pipeline: FittedFeaturePipeline;
  estimator: Estimator;
}

/** A document that is not a usable model; the message names the document (its uri) and why. */
export class ModelDocumentError extends Error {
  override readonly name = 'ModelDocumentError';
}

/** Parse and check a model document; `uri` names it in errors (ModelDocumentError). */
export function parseModelDocument(doc: unknown, uri: string): LoadedModel {
  let artifact: ModelArtifact;
  try {
    artifact = modelDocument.parse(doc, uri);
  } catch (err) {
    throw new ModelDocumentError((err as Error).message);
  }
  try {
    const pipeline = parseFittedPipeline(artifact.pipeline);
    const estimator = estimatorFromJson(artifact.estimator);
    if (estimator.numFeatures !== pipeline.featureNames.length)
      throw new InputError(`estimator expects ${estimator.numFeatures} features, the pipeline makes ${pipeline.featureNames.length}`);
    if (estimator.task !== artifact.task) throw new InputError(`estimator is for ${estimator.task}, the model says ${artifact.task}`);
    if (artifact.task !== 'regression' && artifact.classes.length !== estimator.numClasses)
      throw new InputError(`the model lists ${artifact.classes.length} classes, the estimator predicts ${estimator.numClasses}`);
    // Compiled once here, so no request (online or batch) pays for it.
    prepareTransform(pipeline);
    prepareEstimator(estimator);
    return { artifact, pipeline, estimator };
  } catch (err) {
    throw new ModelDocumentError(`${uri} is not a usable tideflow.model: ${(err as Error).message}`);
  }
}
