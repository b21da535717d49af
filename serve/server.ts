/**
 * The prediction server (issue 12): fastify, chosen for its per-route JSON-schema validation
 * (the V2 infer body is checked by ajv before a handler runs), built-in body limits and
 * connection/request timeouts, and a low per-request overhead on loopback. Serves any number of
 * registered models by alias or version over MLflow's scoring protocol and KServe's V2 protocol,
 * with bearer-token auth, Prometheus metrics and a prediction log in S3.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { EstimatorInputError } from '../ml/estimators';
import { FeaturePipelineError } from '../ml/features';
import { PredictionInputError } from '../ml/predict';
import type { ArtifactStore } from '../registry';
import { isPublicPath, tokenChecker } from './auth';
import type { ServeSettings } from './config';
import { HttpError } from './errors';
import { createMetrics, type ServeMetrics } from './metrics';
import { parseModelRef } from './model-ref';
import { ModelCache } from './models';
import { PredictionLog } from './prediction-log';
import { registerMlflowRoutes } from './routes-mlflow';
import { RolloutRouter } from './rollout-router';
import { registerV2Routes } from './routes-v2';
import { requestLabels, type ScoringDeps } from './scoring';

export interface PredictionServer {
  app: FastifyInstance;
  models: ModelCache;
  rollouts: RolloutRouter;
  metrics: ServeMetrics;
  log: PredictionLog | null;
  /** Listen on settings.port/host; resolves to the base URL. A busy port is an error saying so. */
  listen(): Promise<string>;
  /** Stop accepting, finish in-flight requests, stop polling, flush the prediction log. */
  close(): Promise<void>;
}

export interface ServerOptions {
  settings: ServeSettings;
  store: ArtifactStore;
  version?: string;
  log?: (line: string) => void;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function statusOf(err: unknown): { status: number; message: string; code?: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, code: err.code };
  if (err instanceof PredictionInputError || err instanceof FeaturePipelineError || err instanceof EstimatorInputError)
    return { status: 400, message: err.message };
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, message: `request body is larger than the limit (TIDEFLOW_SERVE_MAX_BODY_BYTES)` };
  if (fe.validation) return { status: 400, message: `invalid request: ${fe.message}` };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, message: fe.message };
  return { status: 500, message: 'internal error' };
}

export function createPredictionServer(o: ServerOptions): PredictionServer {
  const s = o.settings;
  const log = o.log ?? ((line: string) => console.log(`[serve] ${line}`));
  const metrics = createMetrics();
  const models = new ModelCache(o.store, {
    pollMs: s.pollMs,
    ...(s.engine && { engine: s.engine }),
    log,
    onSwap: (name, alias, _from, to) => {
      metrics.swaps.inc({ model: name, alias });
      metrics.servedVersion.set({ model: name, alias }, to);
    },
  });
  const predictionLog = s.log.enabled
    ? new PredictionLog(o.store, {
        ...s.log,
        log,
        onWritten: (model, rows) => metrics.logRows.inc({ model }, rows),
        onDropped: (model, rows) => metrics.logDropped.inc({ model }, rows),
      })
    : null;
  const rollouts = new RolloutRouter(o.store, models, predictionLog, metrics, { pollMs: s.pollMs, log });
  let ready = s.preload.length === 0;

  const app = Fastify({
    logger: false,
    bodyLimit: s.maxBodyBytes,
    requestTimeout: s.requestTimeoutMs,
    connectionTimeout: s.requestTimeoutMs + s.keepAliveTimeoutMs,
    keepAliveTimeout: s.keepAliveTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Node checks request and header deadlines every connectionsCheckingInterval (30 s by default): too coarse for our timeouts.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: s.requestTimeoutMs,
          headersTimeout: Math.min(s.headersTimeoutMs, s.requestTimeoutMs),
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(s.requestTimeoutMs, s.headersTimeoutMs) / 4))),
        },
        handler,
      ),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  // JSON only (MLflow's CSV form is not supported): other media types are a 415, not a string body.
  app.removeContentTypeParser('text/plain');

  // Per-request hooks as callbacks, not async functions: no promise per request and hook.
  const tokenMatches = s.token === null ? null : tokenChecker(s.token);
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    if (tokenMatches === null || tokenMatches(req.headers.authorization) || isPublicPath(req.url)) {
      done();
      return;
    }
    reply.header('www-authenticate', 'Bearer');
    done(new HttpError(401, 'missing or invalid bearer token (Authorization: Bearer $TIDEFLOW_SERVE_TOKEN)'));
  });
  app.addHook('onResponse', (req, reply, done) => {
    rollouts.answered(req, reply.statusCode, reply.elapsedTime);
    const labels = requestLabels.get(req);
    if (labels)
      (labels.metrics ?? metrics.forRequest(labels.model, labels.version, labels.protocol)).answered(
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    done();
  });
  app.setErrorHandler((err, req, reply) => {
    const { status, message, code } = statusOf(err);
    if (status === 500)
      log(`error on ${req.method} ${req.url} (request ${req.id}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const text = status === 500 && err instanceof HttpError ? err.message : message;
    const body = req.url.startsWith('/v2') ? { error: text } : { error_code: code ?? new HttpError(status, '').code, message: text };
    if (status === 413) reply.header('connection', 'close');
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const message = `no route ${req.method} ${req.url.split('?')[0]} (POST /invocations, /models/{name}[@alias]/invocations, /v2/models/{name}/infer; GET /metrics)`;
    void reply.code(404).send(req.url.startsWith('/v2') ? { error: message } : { error_code: 'ENDPOINT_NOT_FOUND', message });
  });

  const deps: ScoringDeps = { models, metrics, log: predictionLog, maxRows: s.maxRows, rollouts };
  registerMlflowRoutes(app, deps, s.defaultAlias);
  registerV2Routes(app, deps, s.defaultAlias, () => ready, o.version ?? '0');
  app.get('/metrics', async (_req, reply) => {
    for (const w of models.served()) {
      const [model, alias] = w.ref.split('@') as [string, string];
      metrics.servedVersion.set({ model, alias }, w.version);
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  return {
    app,
    models,
    rollouts,
    metrics,
    log: predictionLog,
    async listen() {
      try {
        await app.listen({ port: s.port, host: s.host });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new Error(
            `port ${s.port} on ${s.host} is already in use: set TIDEFLOW_SERVE_PORT (or --port) to a free port, or stop what listens there`,
            { cause: err },
          );
        throw err;
      }
      models.start();
      rollouts.start();
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : s.port;
      // Preloading happens after listen, so liveness answers at once and readiness waits for the models.
      const preloadStart = performance.now();
      void Promise.all(s.preload.map((text) => models.resolve(parseModelRef(text, s.defaultAlias)))).then(
        () => {
          ready = true;
          // Where a cold start goes (issue 12: ≤ 1 s): loading the code, then the registry reads and model loads.
          if (s.preload.length > 0)
            log(
              `ready: ${s.preload.join(', ')} loaded in ${Math.round(performance.now() - preloadStart)} ms, ${Math.round(process.uptime() * 1000)} ms after the process started`,
            );
        },
        (err: unknown) => log(`preloading ${s.preload.join(', ')} failed: ${(err as Error).message}; not ready`),
      );
      return `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${port}`;
    },
    async close() {
      await app.close();
      models.stop();
      await rollouts.stop();
      await predictionLog?.close();
    },
  };
}
