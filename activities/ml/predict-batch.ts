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
import { readDataset, writeDatasetBytes, type DatasetRef } from './dataset';
import type { Frame } from '../../ml/frame/frame';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { getArtifact, runArtifactKey, type StoreProvider } from './store';
import { createOnnxScorer } from '../../ml/onnx';
import type { LoadedModel } from '../../ml/predict';
import { codeVersion } from '../../storage/artifacts/manifest';
import { loadModel } from './model-artifact';
import type { Scores } from './offload/jobs/predict';
import { transferablesOf as transferableBuffers } from './offload/transfer';

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

/** onnxruntime scores off the event loop itself; the output is assembled like the native engine's. */
async function onnxScores(model: LoadedModel, modelVersion: number, frame: Frame): Promise<Scores> {
  const scorer = await createOnnxScorer(model, { modelVersion, tideflowVersion: codeVersion().packageVersion });
  try {
    return await scorer.score(frame);
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
    const [doc, frame] = await heartbeating(ctx, READING, () =>
      Promise.all([getArtifact(s, version.model), readDataset(s, input.dataset)]),
    );
    let scored;
    try {
      const model = { doc, uri: version.model.uri };
      const scores = input.engine === 'onnx' ? await onnxScores(loadModel(doc, version.model.uri), version.version, frame) : undefined;
      // Feature transform, prediction and the output's Arrow encoding run in a worker thread for a
      // large batch (offload/jobs/predict.ts).
      scored = await offloadForTask(
        ctx,
        'scoreBatch',
        { model, frame, ...(input.passthrough && { passthrough: input.passthrough }), ...(scores && { scores }) },
        { rows: frame.rows, ...(scores && { transfer: transferableBuffers(scores) }) },
      );
    } catch (err) {
      throw locateError(err, `predict with ${input.modelName} v${version.version}`);
    }
    const { task, summary } = scored;
    const key = runArtifactKey(s, ctx, `predictions/${input.modelName}-v${version.version}.arrow`);
    const predictions = await writeDatasetBytes(s, key, scored.arrow, scored.rows, scored.schema);
    ctx.log.info('scored batch', { modelName: input.modelName, version: version.version, rows: scored.rows, uri: predictions.uri });
    return { predictions, modelName: input.modelName, version: version.version, task, rows: scored.rows, summary };
  };
}
