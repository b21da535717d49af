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
import type { RequestMetrics, ServeMetrics } from './metrics';
import type { ModelRef } from './model-ref';
import type { ModelCache, Resolved } from './models';
import type { PredictionLog } from './prediction-log';
import type { Routed, RolloutRouter } from './rollout-router';

export type Protocol = 'mlflow' | 'v2';

export interface RequestLabels {
  model: string;
  version: string;
  protocol: Protocol;
  /** The metric children of (model, version, protocol), looked up once the version is chosen. */
  metrics?: RequestMetrics;
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

/**
 * Score a request. When the model (and the rollout's routing, if any) is already loaded — every
 * request but a model's first ones — this runs synchronously and returns the result itself: no
 * promise and no await per request, errors thrown directly. The first requests of a model, and an
 * onnx engine, take the asynchronous path (loading, onnxruntime). Either way exactly one version
 * answers: the model is taken once.
 */
export function scoreRequest(
  deps: ScoringDeps,
  req: FastifyRequest,
  ref: ModelRef,
  protocol: Protocol,
  parse: (schema: readonly ColumnSchema[]) => InputColumns,
): Scored | Promise<Scored> {
  const labels: RequestLabels = { model: ref.name, version: '', protocol, metrics: undefined };
  requestLabels.set(req, labels);
  const aliased = deps.models.peek(ref);
  const routed = aliased && (deps.rollouts ? deps.rollouts.routeNow(ref, aliased, req) : { resolved: aliased });
  if (routed && !routed.resolved.served.onnx) {
    const inputs = prepare(deps, routed, labels, parse);
    return finish(
      deps,
      req,
      routed,
      labels,
      parse,
      inputs,
      scoring(() => scoreFrame(routed.resolved.served.model, inputs)),
    );
  }
  return scoreLoading(deps, req, ref, labels, parse);
}

async function scoreLoading(
  deps: ScoringDeps,
  req: FastifyRequest,
  ref: ModelRef,
  labels: RequestLabels,
  parse: (schema: readonly ColumnSchema[]) => InputColumns,
): Promise<Scored> {
  const aliased = await deps.models.resolve(ref);
  const routed = deps.rollouts ? await deps.rollouts.route(ref, aliased, req) : { resolved: aliased };
  const { served } = routed.resolved;
  const inputs = prepare(deps, routed, labels, parse);
  let scores: Scores;
  try {
    scores = served.onnx ? await served.onnx.score(inputs) : scoreFrame(served.model, inputs);
  } catch (err) {
    throw asBadRequest(err);
  }
  return finish(deps, req, routed, labels, parse, inputs, scores);
}

/** The request's rows as the chosen model's typed input frame (400 / 413 naming what is wrong). */
function prepare(
  deps: ScoringDeps,
  routed: Routed,
  labels: RequestLabels,
  parse: (schema: readonly ColumnSchema[]) => InputColumns,
): Frame {
  const { served } = routed.resolved;
  labels.version = String(served.version);
  labels.metrics = deps.metrics.forRequest(served.name, labels.version, labels.protocol);
  const schema = served.model.pipeline.inputs;
  const input = parse(schema);
  if (input.rows > deps.maxRows)
    throw new HttpError(
      413,
      `batch of ${input.rows} rows is larger than the limit of ${deps.maxRows} rows per request (TIDEFLOW_SERVE_MAX_ROWS)`,
    );
  if (input.rows === 0) throw badRequest('the request has no rows');
  return scoring(() => frameForModel(schema, input));
}

function finish(
  deps: ScoringDeps,
  req: FastifyRequest,
  routed: Routed,
  labels: RequestLabels,
  parse: (schema: readonly ColumnSchema[]) => InputColumns,
  inputs: Frame,
  scores: Scores,
): Scored {
  const { resolved } = routed;
  const { served } = resolved;
  (labels.metrics ?? deps.metrics.forRequest(served.name, labels.version, labels.protocol)).rows.inc(inputs.rows);
  deps.log?.append(req.id, served, inputs, scores);
  deps.rollouts?.shadowAfterResponse(req, routed, parse, scores);
  return { resolved, inputs, scores };
}

/** Run a step whose input errors are the client's: they become 400s naming the problem. */
function scoring<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw asBadRequest(err);
  }
}

function asBadRequest(err: unknown): unknown {
  if (
    err instanceof PredictionInputError ||
    err instanceof FeaturePipelineError ||
    err instanceof EstimatorInputError ||
    err instanceof OnnxExportError
  )
    return badRequest(err.message);
  return err;
}
