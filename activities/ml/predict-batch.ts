/**
 * predict: score a dataset with a registered model version, chosen by alias (e.g. 'champion')
 * or number, and write the predictions as a dataset artifact (Arrow): the passthrough columns,
 * `prediction`, and for classifiers one `proba_<class>` column per class. The version used is
 * in the output, so a later promotion never makes it ambiguous which model scored the batch.
 */
import { locateError } from '../../core/errors';
import { ApplicationFailure } from '@temporalio/common';
import { getVersion, getVersionByAlias, NotFoundError } from '../../registry';
import type { TaskContext } from '../context';
import { readDataset, writeDataset, type DatasetRef } from './dataset';
import { getColumn, type Frame, type FrameColumn } from '../../ml/frame/frame';
import { offloadForTask } from './offload/task';
import { getArtifact, runArtifactKey, type StoreProvider } from './store';
import { createOnnxScorer } from '../../ml/onnx';
import type { LoadedModel } from '../../ml/predict';
import { codeVersion } from '../../storage/artifacts/manifest';
import { loadModel } from './model-artifact';
import { predictionColumns } from './offload/jobs/predict';

export interface PredictBatchInput {
  modelName: string;
  /** Exactly one of alias and version. */
  alias?: string;
  version?: number;
  dataset: DatasetRef;
  /** Input columns copied next to the predictions (ids, timestamps, the label when present); default: all. */
  passthrough?: string[];
  /** 'onnx': score through the model's ONNX export with onnxruntime-node (same answers); default 'native'. */
  engine?: 'native' | 'onnx';
}

export interface PredictBatchOutput {
  predictions: DatasetRef;
  modelName: string;
  version: number;
  task: string;
  rows: number;
  /** Classification: predicted rows per class; regression: mean, min, max of the predictions. */
  summary: Record<string, number>;
}

async function scoreWithOnnx(model: LoadedModel, modelVersion: number, frame: Frame) {
  const scorer = await createOnnxScorer(model, { modelVersion, tideflowVersion: codeVersion().packageVersion });
  try {
    return predictionColumns(model.artifact, await scorer.score(frame), frame.rows);
  } finally {
    await scorer.close();
  }
}

export function predictBatch(store: StoreProvider) {
  return async (input: PredictBatchInput, ctx: TaskContext): Promise<PredictBatchOutput> => {
    if ((input.alias === undefined) === (input.version === undefined)) {
      throw ApplicationFailure.nonRetryable('predict needs exactly one of alias and version', 'InvalidInput');
    }
    const s = store(ctx);
    let version;
    try {
      version =
        input.alias !== undefined
          ? await getVersionByAlias(s, input.modelName, input.alias)
          : await getVersion(s, input.modelName, input.version as number);
    } catch (err) {
      if (err instanceof NotFoundError) throw ApplicationFailure.nonRetryable(err.message, 'ModelNotFound');
      throw err;
    }
    if (version.status !== 'ready' || version.deletedAt !== undefined) {
      throw ApplicationFailure.nonRetryable(
        `version ${version.version} of ${version.name} is ${version.deletedAt ? 'deleted' : version.status}`,
        'ModelNotFound',
      );
    }
    const [doc, frame] = await Promise.all([getArtifact(s, version.model), readDataset(s, input.dataset)]);
    let columns: FrameColumn[];
    let summary: Record<string, number>;
    let task: string;
    try {
      const keep = (input.passthrough ?? frame.columns.map((c) => c.name)).map((n) => getColumn(frame, n));
      // Feature transform and prediction run in a worker thread (offload/jobs/predict.ts); onnxruntime runs off the event loop itself.
      const scored =
        input.engine === 'onnx'
          ? await scoreWithOnnx(loadModel(doc, version.model.uri), version.version, frame)
          : await offloadForTask(ctx, 'scoreBatch', { model: { doc, uri: version.model.uri }, frame });
      columns = [...keep, ...scored.columns];
      summary = scored.summary;
      task = scored.task;
    } catch (err) {
      throw locateError(err, `predict with ${input.modelName} v${version.version}`);
    }
    const taken = new Set<string>();
    for (const c of columns) {
      if (taken.has(c.name))
        throw ApplicationFailure.nonRetryable(
          `output column '${c.name}' clashes with an input column: leave it out of passthrough`,
          'InvalidInput',
        );
      taken.add(c.name);
    }
    const out: Frame = { rows: frame.rows, columns };
    const predictions = await writeDataset(s, runArtifactKey(s, ctx, `predictions/${input.modelName}-v${version.version}.arrow`), out);
    ctx.log.info('scored batch', { modelName: input.modelName, version: version.version, rows: frame.rows, uri: predictions.uri });
    return { predictions, modelName: input.modelName, version: version.version, task, rows: frame.rows, summary };
  };
}
