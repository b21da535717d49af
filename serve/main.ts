/**
 * The prediction server as a process: `tideflow serve` or `npx tsx serve/main.ts` (also started
 * by `npm start`). Settings: serve/config.ts (TIDEFLOW_SERVE_*), S3 and bucket as everywhere
 * (config/env.ts). SIGINT/SIGTERM: stop accepting, answer in-flight requests, flush the prediction
 * log, exit 0.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/env';
import { createS3Client } from '../storage/s3-client';
import { serveSettings, type ServeSettings } from './config';
import { createPredictionServer, type PredictionServer } from './server';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  } catch {
    return '0';
  }
}

export async function startServer(
  env: NodeJS.ProcessEnv,
  overrides: Partial<ServeSettings> = {},
): Promise<{ server: PredictionServer; url: string }> {
  const settings = { ...serveSettings(env), ...overrides };
  const config = loadConfig(env);
  const store = { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix };
  const server = createPredictionServer({ settings, store, version: packageVersion() });
  const url = await server.listen();
  if (settings.token === null) console.warn('[serve] authentication DISABLED (TIDEFLOW_SERVE_AUTH=disabled)');
  console.log(
    `[serve] prediction server listening on ${url} (bucket ${config.s3.bucket}${config.s3.prefix ? `, prefix ${config.s3.prefix}` : ''})`,
  );
  return { server, url };
}

/** Run until SIGINT/SIGTERM, then shut down cleanly; resolves when stopped. */
export async function runUntilSignal(env: NodeJS.ProcessEnv, overrides: Partial<ServeSettings> = {}): Promise<void> {
  const { server } = await startServer(env, overrides);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      console.log(`[serve] ${signal}: finishing requests and flushing the prediction log`);
      server.close().then(resolve, (err: unknown) => {
        console.error(`[serve] shutdown: ${(err as Error).message}`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

if (require.main === module) {
  runUntilSignal(process.env).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`[serve] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
