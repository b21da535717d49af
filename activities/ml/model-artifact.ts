/**
 * The model artifact, `tideflow.model` version 1: everything needed to score raw rows, in one
 * JSON document — the target and classes, the fitted feature pipeline
 * (`tideflow.feature-pipeline`) and the estimator (`tideflow.estimator`), plus how it was
 * trained. Batch prediction and champion re-scoring read only this (docs/ml-models.md).
 */
import { ArtifactError, InputError } from '../../core/errors';
import type { Task } from '../../ml/estimators';
import { categoryAt, getColumn, type Frame } from '../../ml/frame/frame';
import { ModelDocumentError, parseModelDocument, scoreFrame, type LoadedModel } from '../../ml/predict';
import { getArtifact, type ArtifactStore } from './store';
import type { ArtifactRef } from './types';

export { MODEL_FORMAT, MODEL_VERSION, type LoadedModel, type ModelArtifact } from '../../ml/predict';

/** Parse and check a model document (ml/predict/model.ts); `uri` names it in errors. A bad document is non-retryable. */
export function loadModel(doc: unknown, uri: string): LoadedModel {
  try {
    return parseModelDocument(doc, uri);
  } catch (err) {
    if (err instanceof ModelDocumentError) throw new ArtifactError(err.message);
    throw err;
  }
}

export async function readModel(store: ArtifactStore, ref: ArtifactRef): Promise<LoadedModel> {
  return loadModel(await getArtifact(store, ref), ref.uri);
}

/** Score a frame with the shared scorer (ml/predict/score.ts): class indices and probabilities, or regression values. */
/** A model's predictions for a frame's rows: values, and class probabilities (rows × classes) for classifiers. */
export interface Prediction {
  values: Float64Array;
  proba?: Float64Array;
}

export function predictFrame(model: LoadedModel, frame: Frame): Prediction {
  return scoreFrame(model, frame);
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
