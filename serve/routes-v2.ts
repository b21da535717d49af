/**
 * KServe V2 / Open Inference protocol routes:
 *   GET  /v2/health/live, /v2/health/ready              (no token needed: probes)
 *   GET  /v2                                            server metadata
 *   GET  /v2/models/{name}[/versions/{v}]               model metadata ({name} may be name@alias; bare = champion)
 *   GET  /v2/models/{name}[/versions/{v}]/ready
 *   POST /v2/models/{name}[/versions/{v}]/infer         one input tensor per column (protocols/v2.ts)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inferOutputs, inferRequestSchema, modelMetadata, parseInferRequest, type V2InferRequest } from './protocols/v2';
import { parseModelRef, type ModelRef } from './model-ref';
import { scoreRequest, type Scored, type ScoringDeps } from './scoring';

interface Params {
  name: string;
  version?: string;
}

export function registerV2Routes(
  app: FastifyInstance,
  deps: ScoringDeps,
  defaultAlias: string,
  isReady: () => boolean,
  version: string,
): void {
  const ref = (p: Params): ModelRef => parseModelRef(p.name, defaultAlias, p.version);

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    if (!isReady()) reply.code(503);
    return { ready: isReady() };
  });
  app.get('/v2', async () => ({ name: 'tideflow', version, extensions: [] }));

  const metadata = async (req: FastifyRequest<{ Params: Params }>): Promise<unknown> => {
    const r = await deps.models.resolve(ref(req.params));
    return modelMetadata(req.params.name, r.served.version, r.served.model);
  };
  const ready = async (req: FastifyRequest<{ Params: Params }>): Promise<unknown> => {
    const r = await deps.models.resolve(ref(req.params));
    return { name: req.params.name, version: String(r.served.version), ready: true };
  };
  const answer = (req: FastifyRequest<{ Params: Params; Body: V2InferRequest }>, { resolved, scores }: Scored): unknown => {
    const body = req.body;
    const outputs = inferOutputs(resolved.served.model, scores, body.outputs);
    return {
      model_name: resolved.served.name,
      model_version: String(resolved.served.version),
      id: body.id ?? req.id,
      parameters: { request_id: req.id, ...(resolved.alias !== undefined && { alias: resolved.alias }) },
      outputs,
    };
  };
  // Not async: with the model loaded, the answer is returned synchronously (serve/scoring.ts).
  const infer = (req: FastifyRequest<{ Params: Params; Body: V2InferRequest }>): unknown => {
    const body = req.body;
    const scored = scoreRequest(deps, req, ref(req.params), 'v2', (schema) => parseInferRequest(body, schema));
    return scored instanceof Promise ? scored.then((s) => answer(req, s)) : answer(req, scored);
  };
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get<{ Params: Params }>(base, metadata);
    app.get<{ Params: Params }>(`${base}/ready`, ready);
    app.post<{ Params: Params; Body: V2InferRequest }>(`${base}/infer`, { schema: { body: inferRequestSchema } }, infer);
  }
}
