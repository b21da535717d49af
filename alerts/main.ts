/**
 * The alert receiver on its own: `npx tsx alerts/main.ts` (also started by `npm start`).
 *
 * Environment:
 *   TIDEFLOW_ALERT_TOKEN     bearer token senders must present (required)
 *   TIDEFLOW_ALERT_AUTH      set to `disabled` to run without a token (local development only)
 *   TIDEFLOW_ALERT_PORT      default 9095;  TIDEFLOW_ALERT_HOST  default 127.0.0.1
 *   TIDEFLOW_ALERT_MAX_BYTES body limit, default 1 MiB
 *   TIDEFLOW_ALERT_MODELS    comma-separated models that accept alerts before their first version is
 *                            registered (registered models always do; others get 404)
 *   TIDEFLOW_RETRAIN_DEBOUNCE_SECONDS / TIDEFLOW_RETRAIN_COOLDOWN_SECONDS / TIDEFLOW_RETRAIN_DAG
 *                            options for controllers this receiver starts
 * plus the usual Temporal settings (config/env.ts).
 */
import { z } from 'zod';
import { signalDriftBatch } from '../client/drift';
import { connectClient } from '../client/connect';
import { loadConfig } from '../config/env';
import type { ControllerOptions } from '../mlops/retrain-policy';
import { createS3Client } from '../storage/s3-client';
import { knownModelCheck } from './known-models';
import { createAlertReceiver, DEFAULT_MAX_BODY_BYTES } from './server';

const AlertEnv = z.object({
  TIDEFLOW_ALERT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TIDEFLOW_ALERT_AUTH: z.enum(['required', 'disabled']).default('required'),
  TIDEFLOW_ALERT_PORT: z.coerce.number().int().min(0).max(65535).default(9095),
  TIDEFLOW_ALERT_HOST: z.string().min(1).default('127.0.0.1'),
  TIDEFLOW_ALERT_MAX_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_MAX_BODY_BYTES),
  TIDEFLOW_ALERT_MODELS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== ''),
    ),
  TIDEFLOW_RETRAIN_DAG: z.string().min(1).optional(),
  TIDEFLOW_RETRAIN_DEBOUNCE_SECONDS: z.coerce.number().nonnegative().optional(),
  TIDEFLOW_RETRAIN_COOLDOWN_SECONDS: z.coerce.number().nonnegative().optional(),
});

export function alertEnv(env: NodeJS.ProcessEnv): z.infer<typeof AlertEnv> & { token: string | null } {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = AlertEnv.safeParse(present);
  if (!parsed.success)
    throw new Error(
      `invalid alert receiver configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const e = parsed.data;
  if (e.TIDEFLOW_ALERT_AUTH === 'required' && !e.TIDEFLOW_ALERT_TOKEN) {
    throw new Error(
      'TIDEFLOW_ALERT_TOKEN is not set: refusing to accept unauthenticated alerts (set TIDEFLOW_ALERT_AUTH=disabled for local development)',
    );
  }
  return { ...e, token: e.TIDEFLOW_ALERT_AUTH === 'disabled' ? null : (e.TIDEFLOW_ALERT_TOKEN as string) };
}

async function main(): Promise<void> {
  const e = alertEnv(process.env);
  const config = loadConfig(process.env);
  const client = await connectClient(config);
  const controller: ControllerOptions = {
    ...(e.TIDEFLOW_RETRAIN_DAG && { dagId: e.TIDEFLOW_RETRAIN_DAG }),
    ...(e.TIDEFLOW_RETRAIN_DEBOUNCE_SECONDS !== undefined && { debounceSeconds: e.TIDEFLOW_RETRAIN_DEBOUNCE_SECONDS }),
    ...(e.TIDEFLOW_RETRAIN_COOLDOWN_SECONDS !== undefined && { cooldownSeconds: e.TIDEFLOW_RETRAIN_COOLDOWN_SECONDS }),
  };
  const { server } = createAlertReceiver({
    token: e.token,
    maxBodyBytes: e.TIDEFLOW_ALERT_MAX_BYTES,
    signal: async (model, alerts) => {
      await signalDriftBatch(client, model, alerts, { taskQueue: config.taskQueue, controller });
    },
    knownModel: knownModelCheck(
      { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix },
      e.TIDEFLOW_ALERT_MODELS,
    ),
  });
  if (e.token === null) console.warn('alert receiver: authentication DISABLED (TIDEFLOW_ALERT_AUTH=disabled)');
  server.listen(e.TIDEFLOW_ALERT_PORT, e.TIDEFLOW_ALERT_HOST, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : e.TIDEFLOW_ALERT_PORT;
    console.log(`alert receiver listening on http://${e.TIDEFLOW_ALERT_HOST}:${port}/alerts`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
