/**
 * Batch prediction's computation: the prediction columns for every row of a dataset (`prediction`,
 * and for classifiers one `proba_<class>` column per class) and their summary.
 */
import type { Frame, FrameColumn } from '../../../../ml/frame/frame';
import { loadModel, predictFrame, type ModelArtifact } from '../../model-artifact';
import type { ModelDocument } from './evaluate';

export interface ScoreBatchInput {
  model: ModelDocument;
  frame: Frame;
}

export interface ScoreBatchOutput {
  task: ModelArtifact['task'];
  /** The columns to append to the passthrough ones. */
  columns: FrameColumn[];
  /** Classification: predicted rows per class; regression: mean, min, max of the predictions. */
  summary: Record<string, number>;
}

export function scoreBatch(input: ScoreBatchInput, progress: (details: unknown) => void): ScoreBatchOutput {
  const model = loadModel(input.model.doc, input.model.uri);
  progress({ phase: 'predict', rows: input.frame.rows });
  return predictionColumns(model.artifact, predictFrame(model, input.frame), input.frame.rows);
}

/** The prediction columns and summary from scores (either engine's). */
export function predictionColumns(a: ModelArtifact, pred: { values: Float64Array; proba?: Float64Array }, rows: number): ScoreBatchOutput {
  const frame = { rows };
  const summary: Record<string, number> = {};
  if (a.task === 'regression') {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of pred.values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    Object.assign(summary, { mean: sum / Math.max(1, frame.rows), min, max });
    return { task: a.task, columns: [{ name: 'prediction', type: 'number', values: pred.values }], summary };
  }
  const k = a.classes.length;
  const labels = Array.from(pred.values, (c) => a.classes[c] ?? null);
  for (const l of labels) if (l !== null) summary[l] = (summary[l] ?? 0) + 1;
  const proba = a.classes.map((cls, c): FrameColumn => {
    const values = new Float64Array(frame.rows);
    for (let i = 0; i < frame.rows; i++) values[i] = pred.proba?.[i * k + c] ?? NaN;
    return { name: `proba_${cls}`, type: 'number', values };
  });
  return { task: a.task, columns: [{ name: 'prediction', type: 'string', values: labels }, ...proba], summary };
}
