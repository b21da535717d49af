/**
 * Configuration from the environment, validated once at start-up.
 *
 * Temporal's own variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_*, TEMPORAL_PROFILE / config file) are read by @temporalio/envconfig;
 * S3 by the AWS SDK's conventions (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY); Tideflow's own are prefixed TIDEFLOW_. Secrets are never echoed.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ConnectionOptions } from '@temporalio/client';
import { z } from 'zod';
import { ConfigError } from '../core/errors';

/** S3 bucket naming rules (the common subset of AWS's and MinIO's). */
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A key prefix: relative, no `..` segments, no control characters, ends with `/` when set. */
const PREFIX = /^(?:[A-Za-z0-9!_.*'()-]+\/)*$/;

const schema = z.object({
  TIDEFLOW_TASK_QUEUE: z.string().trim().min(1).default('tideflow'),
  TIDEFLOW_BUCKET: z.string().regex(BUCKET, 'must be a valid S3 bucket name (3-63 chars of a-z, 0-9, ., -)').default('tideflow'),
  TIDEFLOW_PREFIX: z
    .string()
    .default('')
    .transform((p) => (p === '' || p.endsWith('/') ? p : `${p}/`))
    .refine(
      (p) => PREFIX.test(p) && !p.split('/').some((seg) => seg === '..' || seg === '.'),
      'must be a relative key prefix like "team/tideflow/" (no "..", no leading "/")',
    ),
  TIDEFLOW_OFFLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1_500_000)
    .default(256 * 1024),
  AWS_ENDPOINT_URL_S3: z.url().optional(),
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});

export interface S3Config {
  /** Custom endpoint (MinIO); absent for AWS S3. */
  endpoint?: string;
  region: string;
  bucket: string;
  prefix: string;
  /** Absent: the AWS SDK's default credential chain (instance roles, profiles, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface TideflowConfig {
  temporal: { connection: ConnectionOptions; namespace: string };
  taskQueue: string;
  s3: S3Config;
  /** Task outputs whose JSON is larger than this go through S3 by reference. */
  offloadBytes: number;
}

/** The one ConfigError (core/errors.ts): a bad environment is a configuration problem, never retried. */
export { ConfigError };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TideflowConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration in environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.AWS_ACCESS_KEY_ID === undefined) !== (e.AWS_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError('Invalid configuration: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
  }
  let temporal: ReturnType<typeof loadClientConnectConfig>;
  try {
    temporal = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  } catch (err) {
    throw new ConfigError(`Invalid Temporal configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
  const endpoint = e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL;
  return {
    temporal: {
      connection: { address: 'localhost:7233', ...temporal.connectionOptions },
      namespace: temporal.namespace ?? 'default',
    },
    taskQueue: e.TIDEFLOW_TASK_QUEUE,
    s3: {
      ...(endpoint !== undefined && { endpoint }),
      region: e.AWS_REGION,
      bucket: e.TIDEFLOW_BUCKET,
      prefix: e.TIDEFLOW_PREFIX,
      ...(e.AWS_ACCESS_KEY_ID !== undefined &&
        e.AWS_SECRET_ACCESS_KEY !== undefined && {
          credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY },
        }),
    },
    offloadBytes: e.TIDEFLOW_OFFLOAD_BYTES,
  };
}
