/**
 * `npm start`: a Temporal dev server, MinIO and a Tideflow worker in one terminal, until Ctrl-C.
 * Configuration comes from the environment (see `EnvSchema`); state lives in TIDEFLOW_DATA_DIR.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Client, Connection } from '@temporalio/client';
import { formatChanges, syncSchedules } from '../client/schedules';
import { loadConfig as loadTideflowConfig } from '../config/env';
import { dags } from '../dags';
import { assertPortFree } from './ports';
import { startProcess, type ExitInfo, type ManagedProcess } from './process';
import { supervise, type Supervised } from './supervise';
import { LOW_LATENCY_DYNAMIC_CONFIG, startStack, type RunningStack } from './stack';

const REPO_ROOT = path.resolve(__dirname, '..');
const WORKER_ENTRY = path.join(REPO_ROOT, 'workers', 'main.ts');
const ALERTS_ENTRY = path.join(REPO_ROOT, 'alerts', 'main.ts');
/** `tideflow serve`: its prebuilt bundle while current (bin/serve-bundle.js), else compiled from source. */
const SERVE_LAUNCHER = path.join(REPO_ROOT, 'bin', 'tideflow.js');

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const EnvSchema = z.object({
  TIDEFLOW_DATA_DIR: z.string().default('.tideflow'),
  TIDEFLOW_TEMPORAL_PORT: port(7233),
  TIDEFLOW_UI_PORT: port(8233),
  TIDEFLOW_MINIO_PORT: port(9000),
  TIDEFLOW_MINIO_CONSOLE_PORT: port(9001),
  TIDEFLOW_ALERT_PORT: port(9095),
  /** How long Temporal keeps closed runs (the namespace retention); the dev server's own default is 1 day. */
  TIDEFLOW_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(30),
  TIDEFLOW_SERVE_PORT: port(8090),
  TIDEFLOW_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens')
    .default('tideflow'),
  MINIO_ROOT_USER: z.string().min(3, 'must be at least 3 characters').optional(),
  MINIO_ROOT_PASSWORD: z.string().min(8, 'must be at least 8 characters (a MinIO rule)').optional(),
});
type Config = z.infer<typeof EnvSchema>;

const CredentialsSchema = z.object({ minioUser: z.string().min(3), minioPassword: z.string().min(8) });
type Credentials = z.infer<typeof CredentialsSchema>;

function loadConfig(env: NodeJS.ProcessEnv): Config {
  // `FOO= npm start` means "unset", not "empty string".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    // Echo what was given (it helps), except secrets, which never reach a terminal or a log.
    const shown = (name: string): string => (/PASSWORD|SECRET|TOKEN|KEY/.test(name) ? '<redacted>' : JSON.stringify(present[name]));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const ports = [
    parsed.data.TIDEFLOW_TEMPORAL_PORT,
    parsed.data.TIDEFLOW_UI_PORT,
    parsed.data.TIDEFLOW_MINIO_PORT,
    parsed.data.TIDEFLOW_MINIO_CONSOLE_PORT,
    parsed.data.TIDEFLOW_SERVE_PORT,
  ];
  if (new Set(ports).size !== ports.length) {
    throw new Error(
      `invalid configuration: TIDEFLOW_TEMPORAL_PORT, TIDEFLOW_UI_PORT, TIDEFLOW_MINIO_PORT, TIDEFLOW_MINIO_CONSOLE_PORT and TIDEFLOW_SERVE_PORT must differ (got ${ports.join(', ')})`,
    );
  }
  return parsed.data;
}

/** Local-dev MinIO credentials: generated once, kept in dataDir/credentials.json (0600). Env vars win. */
function loadCredentials(dataDir: string, config: Config): Credentials {
  const file = path.join(dataDir, 'credentials.json');
  let stored: Credentials;
  if (fs.existsSync(file)) {
    const parsed = CredentialsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is malformed; delete it to generate new credentials`);
    stored = parsed.data;
  } else {
    stored = { minioUser: 'tideflow', minioPassword: randomBytes(24).toString('base64url') };
    fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return { minioUser: config.MINIO_ROOT_USER ?? stored.minioUser, minioPassword: config.MINIO_ROOT_PASSWORD ?? stored.minioPassword };
}

/** A file another terminal can `source` to point the CLI at this stack. Holds the secret key: 0600. */
function writeEnvFile(file: string, env: Record<string, string>): void {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  const body = Object.entries(env)
    .map(([k, v]) => `export ${k}=${quote(v)}`)
    .join('\n');
  fs.writeFileSync(file, `# Written by \`npm start\`; load with: source ${path.relative(process.cwd(), file)}\n${body}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** A `tsx <entry>` child with inherited stdio (its logs are what people watch in this terminal). */
function tsxChild(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<ManagedProcess> {
  return Promise.resolve(
    startProcess({ name, command: process.execPath, args: [require.resolve('tsx/cli'), entry], env, logFile: null, cwd: REPO_ROOT }),
  );
}

/** The alert receiver's bearer token: TIDEFLOW_ALERT_TOKEN, else generated once into dataDir/alert-token (0600). */
function alertToken(dataDir: string): string {
  if (process.env.TIDEFLOW_ALERT_TOKEN) return process.env.TIDEFLOW_ALERT_TOKEN;
  const file = path.join(dataDir, 'alert-token');
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/** The prediction server's bearer token: TIDEFLOW_SERVE_TOKEN, else generated once into dataDir/serve-token (0600). */
function serveToken(dataDir: string): string {
  if (process.env.TIDEFLOW_SERVE_TOKEN) return process.env.TIDEFLOW_SERVE_TOKEN;
  const file = path.join(dataDir, 'serve-token');
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * The Temporal CLI as a command to paste: its full path (provisioned into ~/.cache/tideflow/bin,
 * not on PATH), quoted when it holds shell metacharacters. It reads TEMPORAL_ADDRESS and
 * TEMPORAL_NAMESPACE from the env file, so no flags are needed.
 */
function temporalCli(bin: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(bin) ? bin : `'${bin.replace(/'/g, `'\\''`)}'`;
}

function banner(stack: RunningStack, dataDir: string, creds: Credentials, config: Config, taskQueue: string): string {
  const consolePort = config.TIDEFLOW_MINIO_CONSOLE_PORT;
  const rel = path.relative(process.cwd(), dataDir) || '.';
  return [
    '',
    'Tideflow is running.',
    `  Temporal        ${stack.temporalAddress} (namespace ${stack.namespace})`,
    `  Web UI          ${stack.uiUrl ?? '(headless)'}`,
    `  MinIO S3 API    ${stack.s3Endpoint} (bucket ${stack.bucket})`,
    `  MinIO console   http://127.0.0.1:${consolePort} (user ${creds.minioUser}; password in ${rel}/credentials.json)`,
    `  Alerts          http://${process.env.TIDEFLOW_ALERT_HOST || '127.0.0.1'}:${process.env.TIDEFLOW_ALERT_PORT || 9095}/alerts (Bearer token: $TIDEFLOW_ALERT_TOKEN in ${rel}/env)`,
    `  Models (serve)  http://${process.env.TIDEFLOW_SERVE_HOST || '127.0.0.1'}:${config.TIDEFLOW_SERVE_PORT}/models/<name>@champion/invocations (Bearer token: $TIDEFLOW_SERVE_TOKEN in ${rel}/env)`,
    `  Temporal CLI    ${temporalCli(stack.temporalBin)} (after \`source ${rel}/env\`: ${temporalCli(stack.temporalBin)} workflow list)`,
    `  Logs            ${rel}/logs/`,
    '',
    'Trigger a DAG from another terminal:',
    `  source ${rel}/env`,
    '  npx tideflow dags list',
    '  npx tideflow trigger example_etl --wait',
    '  npx tideflow runs list        (runs show <id>, runs cancel <id>: no Temporal CLI needed)',
    `Or in the Web UI: Schedules → tideflow-<dag> → Trigger, or Workflows → Start Workflow with`,
    `  Workflow Type = the DAG id (e.g. example_etl), Task Queue = ${taskQueue}, Input = {"params":{}} (JSON)`,
    '',
    'Press Ctrl-C to stop.',
  ].join('\n');
}

/** One Temporal Schedule per DAG, so the Web UI lists every DAG and can trigger it. */
async function syncDagSchedules(stack: RunningStack, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const changes = await syncSchedules(new Client({ connection, namespace: stack.namespace }), dags, { taskQueue });
    console.error(`[tideflow] schedules synced with dags/:\n${formatChanges(changes)}`);
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!fs.existsSync(WORKER_ENTRY))
    throw new Error(`${path.relative(REPO_ROOT, WORKER_ENTRY)} not found: the worker entry point is missing from this checkout`);
  const dataDir = path.resolve(config.TIDEFLOW_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const creds = loadCredentials(dataDir, config);

  let stack: RunningStack | null = null;
  const children: Supervised[] = [];
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return; // Ctrl-C can arrive several times (terminal, npm, bootstrap); stop once
    stopping = true;
    if (!stack) {
      // Still starting: exit now; the exit hook in infra/process.ts kills what was spawned.
      console.error(`\n[tideflow] ${signal} during startup; exiting`);
      process.exit(130);
    }
    console.error(`\n[tideflow] ${signal}: stopping worker, Temporal and MinIO…`);
    const running = stack;
    void (async () => {
      // Workers and receivers first, then the servers they talk to (supervision ends before each stop).
      for (const child of children.reverse()) await child.stop();
      await running.stop();
      console.error('[tideflow] stopped');
      process.exit(0);
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);

  // Said now, before anything starts, rather than by a server dying later in the log.
  await assertPortFree(config.TIDEFLOW_SERVE_PORT, { label: 'prediction server', envVar: 'TIDEFLOW_SERVE_PORT' });
  stack = await startStack({
    dataDir,
    temporalPort: config.TIDEFLOW_TEMPORAL_PORT,
    uiPort: config.TIDEFLOW_UI_PORT,
    minioPort: config.TIDEFLOW_MINIO_PORT,
    minioConsolePort: config.TIDEFLOW_MINIO_CONSOLE_PORT,
    bucket: config.TIDEFLOW_BUCKET,
    minioUser: creds.minioUser,
    minioPassword: creds.minioPassword,
    dynamicConfig: LOW_LATENCY_DYNAMIC_CONFIG,
    retentionDays: config.TIDEFLOW_RETENTION_DAYS,
    log: (line) => console.error(`[tideflow] ${line}`),
  });
  const running = stack;
  // Every child is supervised: a dead MinIO or Temporal is restarted like the worker (same ports, same data).
  children.push(
    await supervise({
      name: 'Temporal',
      start: async () => (
        await running.startTemporal(),
        { exited: running.temporalExited() as Promise<ExitInfo>, stop: running.stopTemporal }
      ),
    }),
    await supervise({
      name: 'MinIO',
      start: async () => (await running.startMinio(), { exited: running.minioExited() as Promise<ExitInfo>, stop: running.stopMinio }),
    }),
  );
  const token = alertToken(dataDir);
  const tokens = { TIDEFLOW_ALERT_TOKEN: token, TIDEFLOW_SERVE_TOKEN: serveToken(dataDir) };
  writeEnvFile(path.join(dataDir, 'env'), { ...stack.env, ...tokens });
  const env = { ...process.env, ...stack.env, ...tokens, TIDEFLOW_SERVE_PORT: String(config.TIDEFLOW_SERVE_PORT) };
  const { taskQueue } = loadTideflowConfig(env);
  const workerEnv = { ...env, TIDEFLOW_LOG_DIR: path.join(dataDir, 'logs') }; // worker.log beside Temporal's and MinIO's
  children.push(await supervise({ name: 'worker', start: () => tsxChild('worker', WORKER_ENTRY, workerEnv) }));
  // A taken port would leave the receiver dead behind a "running" banner: say so at start instead.
  await assertPortFree(config.TIDEFLOW_ALERT_PORT, { label: 'alert receiver', envVar: 'TIDEFLOW_ALERT_PORT' });
  children.push(await supervise({ name: 'alert receiver', start: () => tsxChild('alerts', ALERTS_ENTRY, env) }));
  children.push(
    await supervise({
      name: 'prediction server',
      start: () =>
        Promise.resolve(
          startProcess({ name: 'serve', command: process.execPath, args: [SERVE_LAUNCHER, 'serve'], env, logFile: null, cwd: REPO_ROOT }),
        ),
    }),
  );
  await syncDagSchedules(stack, taskQueue);
  console.log(banner(stack, dataDir, creds, config, taskQueue));
}

main().catch((err: unknown) => {
  console.error(`[tideflow] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
