/**
 * The local stack: a Temporal dev server (SQLite-backed) and a single-node MinIO, run as child
 * processes. Used by `npm start` (infra/start.ts) and the test suite (tests/setup/global-setup.ts).
 * Waiting for each to serve, and their setup, are in ./temporal-ready.ts and ./minio-ready.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitForMinio, REGION } from './minio-ready';
import { assertPortFree } from './ports';
import { envWithout, startProcess, type ExitInfo, type ManagedProcess } from './process';
import { provisionBinaries } from './provision';
import { waitForTemporal } from './temporal-ready';
import { TIDEFLOW_SEARCH_ATTRIBUTES } from '../core/search-attributes';

export { assertPortFree, findFreePort } from './ports';
export { ensureSearchAttributes } from './temporal-ready';

/**
 * Dev-server settings for low task latency. Stock, a history shard reads its transfer queue at
 * most 20 times a second, so every workflow and activity task waits for the next 50 ms tick and
 * a chain of tasks costs ~100 ms a step whatever the orchestrator does (measured by bench/).
 */
export const LOW_LATENCY_DYNAMIC_CONFIG: readonly string[] = [
  'history.transferProcessorMaxPollRPS=10000',
  // Eager activity dispatch: the activity comes back with the workflow task's response when the
  // same worker can run it, skipping matching (~4-5 ms a task measured by bench/).
  'system.enableActivityEagerExecution=true',
];

export interface StackOptions {
  dataDir: string;
  temporalPort: number;
  /** null = headless (no Web UI). */
  uiPort: number | null;
  minioPort: number;
  minioConsolePort: number;
  /** Default 'default'. */
  namespace?: string;
  /**
   * More namespaces the dev server creates at start, beside `namespace` (the test stack gives each
   * test file that syncs schedules its own: schedule sync is namespace-wide).
   */
  extraNamespaces?: readonly string[];
  bucket: string;
  minioUser: string;
  minioPassword: string;
  log?: (line: string) => void;
  binaries?: { temporal: string; minio: string };
  /** Extra `--dynamic-config-value KEY=JSON` pairs for the dev server (e.g. benchmark tuning). */
  dynamicConfig?: readonly string[];
  /**
   * How long closed workflow runs are kept (the namespace's retention). The dev server's default
   * is 24 h, after which `runs list` forgets runs; `npm start` sets 30 days (TIDEFLOW_RETENTION_DAYS).
   */
  retentionDays?: number;
}

export interface RunningStack {
  temporalAddress: string;
  namespace: string;
  uiUrl: string | null;
  s3Endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * Full path of the Temporal CLI serving this stack. It is usually not on PATH (provisioned into
   * ~/.cache/tideflow/bin), so hints print this path rather than a bare `temporal`.
   */
  temporalBin: string;
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, TIDEFLOW_BUCKET */
  env: Record<string, string>;
  /** Stop / restart the Temporal server on the same ports and database (for crash tests). */
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stopMinio(): Promise<void>;
  startMinio(): Promise<void>;
  /** The running processes, for a supervisor: resolves when the current one exits. */
  temporalExited(): Promise<ExitInfo> | undefined;
  minioExited(): Promise<ExitInfo> | undefined;
  /** Stops everything; safe to call more than once. */
  stop(): Promise<void>;
}

/** Which variable moves each port; named in "port in use" errors. */
const PORT_HINTS = {
  temporal: { label: 'Temporal gRPC', envVar: 'TIDEFLOW_TEMPORAL_PORT' },
  ui: { label: 'Temporal Web UI', envVar: 'TIDEFLOW_UI_PORT' },
  minio: { label: 'MinIO S3 API', envVar: 'TIDEFLOW_MINIO_PORT' },
  console: { label: 'MinIO console', envVar: 'TIDEFLOW_MINIO_CONSOLE_PORT' },
} as const;

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const log = opts.log ?? ((): void => undefined);
  const namespace = opts.namespace ?? 'default';
  const dataDir = path.resolve(opts.dataDir);
  const logDir = path.join(dataDir, 'logs');
  const bins = opts.binaries ?? (await provisionBinaries(log));
  const temporalAddress = `127.0.0.1:${opts.temporalPort}`;
  const s3Endpoint = `http://127.0.0.1:${opts.minioPort}`;
  for (const dir of ['temporal', 'minio', 'logs']) fs.mkdirSync(path.join(dataDir, dir), { recursive: true });

  // Check every port before starting anything, so a conflict fails at once and leaves nothing running.
  await assertPortFree(opts.temporalPort, PORT_HINTS.temporal);
  if (opts.uiPort !== null) await assertPortFree(opts.uiPort, PORT_HINTS.ui);
  await assertPortFree(opts.minioPort, PORT_HINTS.minio);
  await assertPortFree(opts.minioConsolePort, PORT_HINTS.console);

  const temporalArgs = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.temporalPort),
    ...(opts.uiPort === null ? ['--headless'] : ['--ui-port', String(opts.uiPort)]),
    '--db-filename',
    path.join(dataDir, 'temporal', 'temporal.db'),
    ...[...(namespace === 'default' ? [] : [namespace]), ...(opts.extraNamespaces ?? [])].flatMap((n) => ['--namespace', n]),
    '--log-level',
    'warn',
    ...TIDEFLOW_SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]),
    ...(opts.dynamicConfig ?? []).flatMap((kv) => ['--dynamic-config-value', kv]),
  ];
  const minioArgs = [
    'server',
    path.join(dataDir, 'minio'),
    '--address',
    `127.0.0.1:${opts.minioPort}`,
    '--console-address',
    `127.0.0.1:${opts.minioConsolePort}`,
    // Keeps MinIO from creating ~/.minio/certs; no certs there means plain HTTP.
    '--certs-dir',
    path.join(dataDir, 'minio-certs'),
  ];
  // The Temporal CLI reads TEMPORAL_* as client settings and MinIO reads MINIO_*: don't inherit ours.
  const temporalEnv = envWithout(process.env, ['TEMPORAL_']);
  const minioEnv = {
    ...envWithout(process.env, ['MINIO_']),
    MINIO_ROOT_USER: opts.minioUser,
    MINIO_ROOT_PASSWORD: opts.minioPassword,
    MINIO_UPDATE: 'off', // no update checks: often offline, and noisy
  };

  let temporal: ManagedProcess | null = null;
  let minio: ManagedProcess | null = null;

  const startTemporal = async (): Promise<void> => {
    if (temporal?.running()) return;
    await assertPortFree(opts.temporalPort, PORT_HINTS.temporal);
    log(`starting Temporal dev server on ${temporalAddress}…`);
    temporal = startProcess({
      name: 'temporal',
      command: bins.temporal,
      args: temporalArgs,
      env: temporalEnv,
      logFile: path.join(logDir, 'temporal.log'),
    });
    await waitForTemporal(temporal, temporalAddress, namespace, opts.retentionDays);
  };
  const startMinio = async (): Promise<void> => {
    if (minio?.running()) return;
    await assertPortFree(opts.minioPort, PORT_HINTS.minio);
    log(`starting MinIO on ${s3Endpoint}…`);
    minio = startProcess({ name: 'minio', command: bins.minio, args: minioArgs, env: minioEnv, logFile: path.join(logDir, 'minio.log') });
    await waitForMinio(minio, s3Endpoint, opts);
  };
  const stopTemporal = async (): Promise<void> => {
    await temporal?.stop();
  };
  const stopMinio = async (): Promise<void> => {
    await minio?.stop();
  };
  const stop = async (): Promise<void> => {
    await Promise.all([stopTemporal(), stopMinio()]);
  };

  const results = await Promise.allSettled([startTemporal(), startMinio()]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }

  return {
    temporalAddress,
    namespace,
    uiUrl: opts.uiPort === null ? null : `http://127.0.0.1:${opts.uiPort}`,
    s3Endpoint,
    bucket: opts.bucket,
    accessKeyId: opts.minioUser,
    secretAccessKey: opts.minioPassword,
    temporalBin: bins.temporal,
    env: {
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: opts.minioUser,
      AWS_SECRET_ACCESS_KEY: opts.minioPassword,
      TIDEFLOW_BUCKET: opts.bucket,
    },
    stopTemporal,
    startTemporal,
    stopMinio,
    startMinio,
    temporalExited: () => temporal?.exited,
    minioExited: () => minio?.exited,
    stop,
  };
}
