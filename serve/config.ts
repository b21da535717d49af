/**
 * The prediction server's settings (environment, validated once; `tideflow serve` flags override
 * the port and host). Same conventions as the alert receiver (alerts/main.ts): a bearer token is
 * required unless authentication is explicitly disabled for local development.
 */
import { z } from 'zod';

const Schema = z.object({
  TIDEFLOW_SERVE_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  TIDEFLOW_SERVE_HOST: z.string().min(1).default('127.0.0.1'),
  TIDEFLOW_SERVE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TIDEFLOW_SERVE_AUTH: z.enum(['required', 'disabled']).default('required'),
  /** The alias a bare model name means. */
  TIDEFLOW_SERVE_DEFAULT_ALIAS: z
    .string()
    .regex(/^[\w-]{1,255}$/)
    .default('champion'),
  TIDEFLOW_SERVE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  TIDEFLOW_SERVE_MAX_ROWS: z.coerce.number().int().min(1).default(10_000),
  /** How often watched aliases are re-read (a conditional GET each). */
  TIDEFLOW_SERVE_POLL_MS: z.coerce.number().int().min(100).default(1000),
  /** Whole request received within this (slow-loris bodies), headers within TIDEFLOW_SERVE_HEADERS_TIMEOUT_MS. */
  TIDEFLOW_SERVE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  TIDEFLOW_SERVE_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  TIDEFLOW_SERVE_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(65_000),
  /** Prediction log: on|off; a batch is written at this many rows or after this delay. */
  TIDEFLOW_SERVE_LOG: z.enum(['on', 'off']).default('on'),
  TIDEFLOW_SERVE_LOG_MAX_ROWS: z.coerce.number().int().min(1).default(5000),
  TIDEFLOW_SERVE_LOG_MAX_DELAY_MS: z.coerce.number().int().min(50).default(5000),
  TIDEFLOW_SERVE_LOG_MAX_BUFFERED_ROWS: z.coerce.number().int().min(1).default(200_000),
  /** Comma-separated models to load at start (`name`, `name@alias`, `name/versions/N`); ready waits for them. */
  TIDEFLOW_SERVE_PRELOAD: z.string().default(''),
  /** Scoring engine: 'native' (scoreFrame) or 'onnx' (the model exported to ONNX, run by onnxruntime-node). */
  TIDEFLOW_SERVE_ENGINE: z.enum(['native', 'onnx']).default('native'),
});

export interface ServeSettings {
  port: number;
  host: string;
  /** null: authentication disabled (explicitly). */
  token: string | null;
  defaultAlias: string;
  maxBodyBytes: number;
  maxRows: number;
  pollMs: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  log: { enabled: boolean; maxRows: number; maxDelayMs: number; maxBufferedRows: number };
  preload: string[];
  /** Default 'native'. */
  engine?: 'native' | 'onnx';
}

export function serveSettings(env: NodeJS.ProcessEnv): ServeSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Schema.safeParse(present);
  if (!parsed.success)
    throw new Error(
      `invalid prediction server configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const e = parsed.data;
  if (e.TIDEFLOW_SERVE_AUTH === 'required' && !e.TIDEFLOW_SERVE_TOKEN)
    throw new Error(
      'TIDEFLOW_SERVE_TOKEN is not set: refusing to serve models without authentication (set TIDEFLOW_SERVE_AUTH=disabled for local development)',
    );
  return {
    port: e.TIDEFLOW_SERVE_PORT,
    host: e.TIDEFLOW_SERVE_HOST,
    token: e.TIDEFLOW_SERVE_AUTH === 'disabled' ? null : (e.TIDEFLOW_SERVE_TOKEN as string),
    defaultAlias: e.TIDEFLOW_SERVE_DEFAULT_ALIAS,
    maxBodyBytes: e.TIDEFLOW_SERVE_MAX_BODY_BYTES,
    maxRows: e.TIDEFLOW_SERVE_MAX_ROWS,
    pollMs: e.TIDEFLOW_SERVE_POLL_MS,
    requestTimeoutMs: e.TIDEFLOW_SERVE_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.TIDEFLOW_SERVE_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: e.TIDEFLOW_SERVE_KEEPALIVE_TIMEOUT_MS,
    log: {
      enabled: e.TIDEFLOW_SERVE_LOG === 'on',
      maxRows: e.TIDEFLOW_SERVE_LOG_MAX_ROWS,
      maxDelayMs: e.TIDEFLOW_SERVE_LOG_MAX_DELAY_MS,
      maxBufferedRows: e.TIDEFLOW_SERVE_LOG_MAX_BUFFERED_ROWS,
    },
    engine: e.TIDEFLOW_SERVE_ENGINE,
    preload: e.TIDEFLOW_SERVE_PRELOAD.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}
