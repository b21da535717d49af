/**
 * Batch prediction: score the run's slice of a dataset with a registered model version, by
 * alias (the champion by default) or number, and store the predictions as an Arrow artifact.
 *
 *   ingest ── predict
 *
 * Schedule it daily with a templated source (`s3://lake/events/dt={{ds}}/`) or a timestamp
 * column; the version that scored each batch is in the predict task's output.
 */
import { z } from 'zod';
import { defineDag } from './define';
import { ingestInput, ingestParams } from './params/ingest';
import { modelNameParam } from './params/model-name';
import { mlStepRunOptions, stepTimeoutsSchema } from './params/ml-steps';

export const batchPredictParams = z
  .strictObject({
    ...ingestParams,
    modelName: modelNameParam.default('penguins'),
    /** Which version scores the batch: an alias (default 'champion') or a version number. */
    alias: z.string().min(1).optional(),
    version: z.number().int().min(1).optional(),
    /** Input columns copied next to the predictions; default all. */
    passthrough: z.array(z.string().min(1)).optional(),
    /** 'onnx': score through the model's ONNX export with onnxruntime-node (the same answers). */
    engine: z.enum(['native', 'onnx']).optional(),
    /** Timeouts of the predict step for this run (raise them for big batches). */
    stepTimeouts: stepTimeoutsSchema.prefault({}),
  })
  .refine((p) => !(p.alias !== undefined && p.version !== undefined), 'give alias or version, not both');

export default defineDag(
  {
    id: 'batch_predict',
    description: 'Score a dataset with a registered model (the champion by default) and store the predictions.',
    tags: ['ml', 'example'],
    params: batchPredictParams,
    defaults: { startToCloseTimeout: '10 minutes', retry: { maxAttempts: 3, initialInterval: '2s' } },
  },
  (dag) => {
    const ingest = dag.task('ingest', {
      activity: 'mlIngest',
      heartbeatTimeout: '1 minute',
      input: ({ params }) => ingestInput(params),
    });
    dag.task('predict', {
      activity: 'mlPredict',
      upstream: [ingest],
      // A heavy step: on the ML task queue when one is configured, with the run's timeouts.
      runOptions: mlStepRunOptions(undefined),
      input: ({ params, upstream }) => ({
        modelName: params.modelName,
        ...(params.version !== undefined ? { version: params.version } : { alias: params.alias ?? 'champion' }),
        dataset: upstream.ingest,
        ...(params.passthrough !== undefined && { passthrough: params.passthrough }),
        ...(params.engine !== undefined && { engine: params.engine }),
      }),
    });
  },
);
