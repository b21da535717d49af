/**
 * One scoring request, whatever the protocol: choose the model once (so exactly one version
 * answers), turn the protocol's body into the model's typed input frame, score it with the shared
 * scorer (ml/predict), count it, and hand the rows to the prediction log.
 */
import type { FastifyRequest } from 'fastify';
import { EstimatorInputError } from '../ml/estimators';
import { FeaturePipelineError } from '../ml/features';
import type { ColumnSchema, Frame } from '../ml/frame/frame';
import { OnnxExportError } from '../ml/onnx/working';
import { frameForModel, PredictionInputError, scoreFrame, type InputColumns, type Scores } from '../ml/predict';
import { badRequest, HttpError } from './errors';
import type { ServeMetrics } from './metrics';
import type { ModelRef } from './model-ref';
import type { ModelCache, Resolved } from './models';
import type { PredictionLog } from './prediction-log';
import type { RolloutRouter } from './rollout-router';

export type Protocol = 'mlflow' | 'v2';

export interface RequestLabels {
  model: string;
  version: string;
  protocol: Protocol;
}

/** Labels of scoring requests, for the metrics hook (set when a scoring route starts). */
export const requestLabels = new WeakMap<FastifyRequest, RequestLabels>();

export interface ScoringDeps {
  models: ModelCache;
  metrics: ServeMetrics;
  log: PredictionLog | null;
  maxRows: number;
  /** Rollout traffic splitting; absent: an alias is always answered by its version. */
  rollouts?: RolloutRouter;
}

export interface Scored {
  resolved: Resolved;
  inputs: Frame;
  scores: Scores;
}

export async function scoreRequest(
  deps: ScoringDeps,
  req: FastifyRequest,
  ref: ModelRef,
  protocol: Protocol,
  parse: (schema: readonly ColumnSchema[]) => InputColumns,
): Promise<Scored> {
  const labels: RequestLabels = { model: ref.name, version: '', protocol };
  requestLabels.set(req, labels);
  const aliased = await deps.models.resolve(ref);
  const routed = deps.rollouts ? await deps.rollouts.route(ref, aliased, req) : { resolved: aliased };
  const { resolved } = routed;
  const { served } = resolved;
  labels.version = String(served.version);
  const schema = served.model.pipeline.inputs;
  const input = parse(schema);
  if (input.rows > deps.maxRows)
    throw new HttpError(
      413,
      `batch of ${input.rows} rows is larger than the limit of ${deps.maxRows} rows per request (TIDEFLOW_SERVE_MAX_ROWS)`,
    );
  if (input.rows === 0) throw badRequest('the request has no rows');
  let inputs: Frame;
  let scores: Scores;
  try {
    inputs = frameForModel(schema, input);
    scores = served.onnx ? await served.onnx.score(inputs) : scoreFrame(served.model, inputs);
  } catch (err) {
    if (
      err instanceof PredictionInputError ||
      err instanceof FeaturePipelineError ||
      err instanceof EstimatorInputError ||
      err instanceof OnnxExportError
    )
      throw badRequest(err.message);
    throw err;
  }
  deps.metrics.rows.inc({ model: served.name, version: labels.version }, inputs.rows);
  deps.log?.append(req.id, served, inputs, scores);
  deps.rollouts?.shadowAfterResponse(req, routed, parse, scores);
  return { resolved, inputs, scores };
}
