/**
 * Prometheus metrics (prom-client, a registry of our own so tests and several servers in one
 * process never share counters), labelled by model and version (empty when a request failed
 * before a model was chosen) and protocol (mlflow, v2).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServeMetrics {
  registry: Registry;
  requests: Counter<'model' | 'version' | 'protocol' | 'status'>;
  errors: Counter<'model' | 'version' | 'protocol' | 'status'>;
  latency: Histogram<'model' | 'version' | 'protocol'>;
  rows: Counter<'model' | 'version'>;
  swaps: Counter<'model' | 'alias'>;
  servedVersion: Gauge<'model' | 'alias'>;
  logRows: Counter<'model'>;
  logDropped: Counter<'model'>;
  /** The label children of one model version and protocol, cached (serve/scoring.ts: one lookup per request, no label objects built). */
  forRequest(model: string, version: string, protocol: string): RequestMetrics;
}

/** Counters and histogram of one (model, version, protocol), their label children bound once. */
export interface RequestMetrics {
  /** Rows scored (tideflow_serve_rows_total{model, version}). */
  rows: Counter.Internal;
  /** One answered request: counted with its status (an error too when ≥ 400), its latency observed. */
  answered(status: number, seconds: number): void;
}

/** Statuses are few (200, 400, 404, 413, …): one child pair each, made on first use. */
function requestMetrics(
  requests: ServeMetrics['requests'],
  errors: ServeMetrics['errors'],
  latency: ServeMetrics['latency'],
  rows: ServeMetrics['rows'],
  model: string,
  version: string,
  protocol: string,
): RequestMetrics {
  const timing = latency.labels({ model, version, protocol });
  const byStatus = new Map<number, { requests: Counter.Internal; errors?: Counter.Internal }>();
  return {
    rows: rows.labels({ model, version }),
    answered(status, seconds) {
      let c = byStatus.get(status);
      if (!c) {
        const labels = { model, version, protocol, status: String(status) };
        c = { requests: requests.labels(labels), ...(status >= 400 && { errors: errors.labels(labels) }) };
        byStatus.set(status, c);
      }
      c.requests.inc();
      c.errors?.inc();
      timing.observe(seconds);
    },
  };
}

export function createMetrics(): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tideflow_serve_' });
  const labels = ['model', 'version', 'protocol', 'status'] as const;
  const children = new Map<string, RequestMetrics>();
  const m: Omit<ServeMetrics, 'forRequest'> = {
    registry,
    requests: new Counter({
      name: 'tideflow_serve_requests_total',
      help: 'Scoring requests answered',
      labelNames: labels,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'tideflow_serve_errors_total',
      help: 'Scoring requests answered with a 4xx or 5xx status',
      labelNames: labels,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'tideflow_serve_request_duration_seconds',
      help: 'Time from request received to response sent, scoring requests',
      labelNames: ['model', 'version', 'protocol'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rows: new Counter({ name: 'tideflow_serve_rows_total', help: 'Rows scored', labelNames: ['model', 'version'], registers: [registry] }),
    swaps: new Counter({
      name: 'tideflow_serve_alias_swaps_total',
      help: 'Times a watched alias moved and the server switched version',
      labelNames: ['model', 'alias'],
      registers: [registry],
    }),
    servedVersion: new Gauge({
      name: 'tideflow_serve_alias_version',
      help: 'The version each watched alias is served by',
      labelNames: ['model', 'alias'],
      registers: [registry],
    }),
    logRows: new Counter({
      name: 'tideflow_serve_logged_rows_total',
      help: 'Prediction rows written to S3',
      labelNames: ['model'],
      registers: [registry],
    }),
    logDropped: new Counter({
      name: 'tideflow_serve_log_dropped_rows_total',
      help: 'Prediction rows dropped because S3 writes kept failing and the buffer was full',
      labelNames: ['model'],
      registers: [registry],
    }),
  };
  return {
    ...m,
    forRequest(model, version, protocol) {
      const key = `${model}\u0000${version}\u0000${protocol}`;
      let c = children.get(key);
      if (!c) children.set(key, (c = requestMetrics(m.requests, m.errors, m.latency, m.rows, model, version, protocol)));
      return c;
    },
  };
}
