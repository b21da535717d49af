/**
 * Batch prediction's computation: the prediction columns for every row of a dataset (`prediction`,
 * and for classifiers one `proba_<class>` column per class) and their summary, next to the
 * passthrough columns, encoded as the predictions dataset (Arrow) — all O(rows).
 */
import { ApplicationFailure } from '@temporalio/common';
import { getColumn, schemaOf, type ColumnSchema, type Frame, type FrameColumn } from '../../../../ml/frame/frame';
import { frameToArrow } from '../../../../ml/io/arrow';
import { loadModel, predictFrame, type ModelArtifact } from '../../model-artifact';
import type { ModelDocument } from './evaluate';

/** A model's scores: class indices or values, and for classifiers the row-major probabilities. */
export interface Scores {
  values: Float64Array;
  proba?: Float64Array;
}

export interface ScoreBatchInput {
  model: ModelDocument;
  frame: Frame;
  /** Input columns copied next to the predictions; default: all. */
  passthrough?: string[];
  /** Scores computed elsewhere (the ONNX engine): only the output is assembled here. */
  scores?: Scores;
}

export interface ScoreBatchOutput {
  task: ModelArtifact['task'];
  /** The columns to append to the passthrough ones. */
  columns: FrameColumn[];
  /** Classification: predicted rows per class; regression: mean, min, max of the predictions. */
  summary: Record<string, number>;
}

export interface ScoredBatch {
  task: ModelArtifact['task'];
  summary: Record<string, number>;
  /** The predictions dataset as Arrow IPC (file format), its rows and schema. */
  arrow: Uint8Array;
  rows: number;
  schema: ColumnSchema[];
}

export function scoreBatch(input: ScoreBatchInput, progress: (details: unknown) => void): ScoredBatch {
  const { frame } = input;
  const model = loadModel(input.model.doc, input.model.uri);
  const keep = (input.passthrough ?? frame.columns.map((c) => c.name)).map((n) => getColumn(frame, n));
  progress({ phase: 'predict', rows: frame.rows });
  const scored = predictionColumns(model.artifact, input.scores ?? predictFrame(model, frame), frame.rows);
  const columns = [...keep, ...scored.columns];
  const taken = new Set<string>();
  for (const c of columns) {
    if (taken.has(c.name))
      throw ApplicationFailure.nonRetryable(
        `output column '${c.name}' clashes with an input column: leave it out of passthrough`,
        'InvalidInput',
      );
    taken.add(c.name);
  }
  progress({ phase: 'encode', rows: frame.rows });
  const out: Frame = { rows: frame.rows, columns };
  return { task: scored.task, summary: scored.summary, arrow: frameToArrow(out), rows: out.rows, schema: schemaOf(out) };
}

/** The prediction columns and summary from scores (either engine's). */
export function predictionColumns(a: ModelArtifact, pred: Scores, rows: number): ScoreBatchOutput {
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
