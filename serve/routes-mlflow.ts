/**
 * MLflow scoring routes:
 *   POST /invocations                                   model from header X-Tideflow-Model or ?model= (name, name@alias, name/versions/N)
 *   POST /models/{name}[@alias]/invocations             (a bare name means the default alias, champion)
 *   POST /models/{name}/versions/{n}/invocations
 *   GET  /models/{name}[@alias] | /models/{name}/versions/{n}   what is served: version, task, classes, input columns
 *   GET  /ping, /health                                 MLflow's liveness probes
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { probabilitiesAt } from '../ml/predict';
import { badRequest } from './errors';
import { parseMlflowBody } from './protocols/mlflow';
import { parseModelRef, type ModelRef } from './model-ref';
import type { Resolved } from './models';
import { scoreRequest, type Scored, type ScoringDeps } from './scoring';

type Q = Record<string, string | undefined>;

function refFromRequest(req: FastifyRequest, defaultAlias: string): ModelRef {
  const q = req.query as Q;
  const header = req.headers['x-tideflow-model'];
  const text = (typeof header === 'string' ? header : undefined) ?? q.model;
  if (text === undefined || text === '')
    throw badRequest('no model chosen: set the X-Tideflow-Model header or ?model= to name, name@alias or name/versions/N');
  const version = req.headers['x-tideflow-model-version'] ?? q.version;
  return parseModelRef(text, defaultAlias, typeof version === 'string' ? version : undefined);
}

function describe(r: Resolved): Record<string, unknown> {
  const a = r.served.model.artifact;
  return {
    name: r.served.name,
    version: r.served.version,
    ...(r.alias !== undefined && { alias: r.alias }),
    task: a.task,
    target: a.target,
    ...(a.task !== 'regression' && { classes: a.classes }),
    inputs: r.served.model.pipeline.inputs,
    estimator: a.trial.kind,
    artifact: r.served.uri,
    loadedAt: r.served.loadedAt,
  };
}

export function registerMlflowRoutes(app: FastifyInstance, deps: ScoringDeps, defaultAlias: string): void {
  const answer = (req: FastifyRequest, reply: FastifyReply, { resolved, scores }: Scored): unknown => {
    const { served } = resolved;
    const model = served.model;
    const predictions =
      model.artifact.task === 'regression'
        ? Array.from(scores.values, (v) => ({ prediction: v }))
        : (scores.labels ?? []).map((label, i) => ({ prediction: label, probabilities: probabilitiesAt(model, scores, i) }));
    reply.header('x-tideflow-model', served.name).header('x-tideflow-model-version', String(served.version));
    return {
      predictions,
      model: served.name,
      version: served.version,
      ...(resolved.alias !== undefined && { alias: resolved.alias }),
      request_id: req.id,
    };
  };
  // Not async: with the model loaded, the answer is returned synchronously (serve/scoring.ts).
  const invoke = (req: FastifyRequest, reply: FastifyReply, ref: ModelRef): unknown => {
    const scored = scoreRequest(deps, req, ref, 'mlflow', (schema) => parseMlflowBody(req.body, schema));
    return scored instanceof Promise ? scored.then((s) => answer(req, reply, s)) : answer(req, reply, scored);
  };
  const named = (p: { ref: string }): ModelRef => parseModelRef(p.ref, defaultAlias);
  const pinned = (p: { name: string; version: string }): ModelRef => parseModelRef(p.name, defaultAlias, p.version);

  app.post('/invocations', (req, reply) => invoke(req, reply, refFromRequest(req, defaultAlias)));
  app.post<{ Params: { ref: string } }>('/models/:ref/invocations', (req, reply) => invoke(req, reply, named(req.params)));
  app.post<{ Params: { name: string; version: string } }>('/models/:name/versions/:version/invocations', (req, reply) =>
    invoke(req, reply, pinned(req.params)),
  );
  app.get<{ Params: { ref: string } }>('/models/:ref', async (req) => describe(await deps.models.resolve(named(req.params))));
  app.get<{ Params: { name: string; version: string } }>('/models/:name/versions/:version', async (req) =>
    describe(await deps.models.resolve(pinned(req.params))),
  );
  app.get('/ping', async () => 'ok');
  app.get('/health', async () => 'ok');
}
