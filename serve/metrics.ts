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
}

export function createMetrics(): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tideflow_serve_' });
  const labels = ['model', 'version', 'protocol', 'status'] as const;
  return {
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
}
