/**
 * The model artifact, `tideflow.model` version 1: everything needed to score raw rows, in one
 * JSON document — the target and classes, the fitted feature pipeline
 * (`tideflow.feature-pipeline`) and the estimator (`tideflow.estimator`), plus how it was
 * trained. Batch prediction and champion re-scoring read only this (docs/ml-models.md).
 */
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { ArtifactError, InputError } from '../../core/errors';
import { z } from 'zod';
import { estimatorFromJson, predictEstimator, type Estimator, type EstimatorJson, type Prediction, type Task } from '../../ml/estimators';
import { parseFittedPipeline, transformFeatures, type FittedFeaturePipeline } from '../../ml/features';
import { categoryAt, getColumn, type Frame } from '../../ml/frame/frame';
import { getArtifact, type ArtifactStore } from './store';
import type { ArtifactRef } from './types';

/** The one declaration of the format: its type is ModelArtifact (z.infer). */
export const modelArtifact = defineArtifact('tideflow.model', 1, {
  modelName: z.string(),
  task: z.enum(['binary', 'multiclass', 'regression']),
  target: z.string(),
  /** Classification: labels by class index (binary: classes[1] is the positive class). */
  classes: z.array(z.string()),
  /** Checked in depth by parseFittedPipeline / estimatorFromJson when the model is loaded. */
  pipeline: z.custom<FittedFeaturePipeline>((v) => typeof v === 'object' && v !== null, 'must be a fitted feature pipeline'),
  estimator: z.custom<EstimatorJson>((v) => typeof v === 'object' && v !== null, 'must be an estimator document'),
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
export type ModelArtifact = ArtifactOf<typeof modelArtifact>;
export const MODEL_FORMAT = modelArtifact.format;
export const MODEL_VERSION = modelArtifact.version;

/** A model ready to score: the artifact with its pipeline and estimator parsed. */
export interface LoadedModel {
  artifact: ModelArtifact;
  pipeline: FittedFeaturePipeline;
  estimator: Estimator;
}

const invalid = (uri: string, why: string): ArtifactError => new ArtifactError(`${uri} is not a usable tideflow.model: ${why}`);

/** Parse and check a model document; `uri` names it in errors. */
export function loadModel(doc: unknown, uri: string): LoadedModel {
  const format = (doc as { format?: unknown } | null)?.format;
  const version = (doc as { version?: unknown } | null)?.version;
  if (format !== MODEL_FORMAT) throw invalid(uri, `format is ${JSON.stringify(format)}, expected '${MODEL_FORMAT}'`);
  if (version !== MODEL_VERSION)
    throw invalid(uri, `version ${JSON.stringify(version)} is not supported (this worker reads version ${MODEL_VERSION})`);
  const parsed = modelArtifact.schema.safeParse(doc);
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
    return { artifact: parsed.data, pipeline, estimator };
  } catch (err) {
    throw invalid(uri, (err as Error).message);
  }
}

export async function readModel(store: ArtifactStore, ref: ArtifactRef): Promise<LoadedModel> {
  return loadModel(await getArtifact(store, ref), ref.uri);
}

/** Score a frame: the fitted pipeline's features (validated against what it was fitted on), then the estimator. */
export function predictFrame(model: LoadedModel, frame: Frame): Prediction {
  const { matrix } = transformFeatures(model.pipeline, frame);
  return predictEstimator(model.estimator, matrix);
}

/**
 * The target as the estimators want it: class indices (in `classes` order) or numbers. A label
 * outside `classes` or a missing target is an error naming the row, never silently dropped.
 */
export function encodeTarget(frame: Frame, target: string, task: Task, classes: readonly string[]): Int32Array | Float64Array {
  const col = getColumn(frame, target);
  if (task === 'regression') {
    if (col.type !== 'number') throw new InputError(`target '${target}' holds ${col.type} values: regression needs numbers`);
    col.values.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new InputError(`target '${target}' is ${v} at row ${i}`);
    });
    return col.values;
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(frame.rows);
  for (let i = 0; i < frame.rows; i++) {
    const label = categoryAt(col, i);
    const k = label === null ? undefined : index.get(label);
    if (k === undefined)
      throw new InputError(
        `target '${target}' at row ${i} is ${JSON.stringify(label)}, not one of the classes ${classes.slice(0, 20).join(', ')}`,
      );
    y[i] = k;
  }
  return y;
}
