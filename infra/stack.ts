/**
 * The local stack: a Temporal dev server (SQLite-backed) and a single-node MinIO, run as child
 * processes. Used by `npm start` (infra/start.ts) and the test suite (tests/setup/global-setup.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { assertPortFree } from './ports';
import { describeExit, envWithout, sleep, startProcess, type ExitInfo, type ManagedProcess } from './process';
import { provisionBinaries } from './provision';
import { TIDEFLOW_SEARCH_ATTRIBUTES, type SearchAttributeTypeName } from '../core/search-attributes';

export { assertPortFree, findFreePort } from './ports';

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

const READY_TIMEOUT_MS = 60_000;
const REGION = 'us-east-1';

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
    ...(namespace === 'default' ? [] : ['--namespace', namespace]),
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

/** Sets the namespace's retention when it differs (an update is a no-op otherwise). */
async function ensureRetention(conn: Connection, namespace: string, days: number): Promise<void> {
  const ttl = msToTs(Math.round(days * 86_400_000));
  const current = await conn.workflowService.describeNamespace({ namespace });
  if (Number(current.config?.workflowExecutionRetentionTtl?.seconds ?? 0) === Number(ttl.seconds)) return;
  await conn.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: ttl } });
}

async function waitForTemporal(proc: ManagedProcess, address: string, namespace: string, retentionDays?: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'no attempt finished';
  while (Date.now() < deadline) {
    if (!proc.running()) {
      const info = await proc.exited;
      throw new Error(`Temporal dev server ${describeExit(info)} during startup. Last lines of ${proc.logFile}:\n${proc.tail(40)}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      const conn = connection;
      // Deadline per attempt: a half-started server can accept the connection and then not answer.
      await conn.withDeadline(Date.now() + 5_000, async () => {
        const health = await conn.healthService.check({});
        if (health.status !== 1 /* SERVING */) throw new Error(`health status ${String(health.status)}`);
        await conn.workflowService.describeNamespace({ namespace });
        await ensureSearchAttributes(conn, namespace);
        if (retentionDays !== undefined) await ensureRetention(conn, namespace, retentionDays);
      });
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(300);
  }
  await proc.stop();
  throw new Error(
    `Temporal dev server not ready after ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}). Last lines of ${proc.logFile}:\n${proc.tail(40)}`,
  );
}

async function waitForMinio(proc: ManagedProcess, endpoint: string, opts: StackOptions): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'no attempt finished';
  const s3 = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: opts.minioUser, secretAccessKey: opts.minioPassword },
    // MinIO handles the SDK's default CRC32 trailers inconsistently; only checksum when S3 requires it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    while (Date.now() < deadline) {
      if (!proc.running()) {
        const info = await proc.exited;
        throw new Error(`MinIO ${describeExit(info)} during startup. Last lines of ${proc.logFile}:\n${proc.tail(40)}`);
      }
      try {
        const res = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(2_000) });
        if (!res.ok) throw new Error(`health/live answered HTTP ${res.status}`);
        await ensureBucket(s3, opts.bucket);
        return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      await sleep(300);
    }
  } finally {
    s3.destroy();
  }
  await proc.stop();
  throw new Error(
    `MinIO not ready after ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}). Last lines of ${proc.logFile}:\n${proc.tail(40)}`,
  );
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (err) {
    if (httpStatus(err) !== 404) throw err;
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!(err instanceof Error && err.name === 'BucketAlreadyOwnedByYou')) throw err;
  }
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta: unknown = err.$metadata;
  if (typeof meta !== 'object' || meta === null || !('httpStatusCode' in meta)) return undefined;
  return typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];

/** temporal.api.enums.v1.IndexedValueType values. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeTypeName, IndexedValueType> = {
  Text: 1 as IndexedValueType,
  Keyword: 2 as IndexedValueType,
  Int: 3 as IndexedValueType,
  Double: 4 as IndexedValueType,
  Bool: 5 as IndexedValueType,
  Datetime: 6 as IndexedValueType,
  KeywordList: 7 as IndexedValueType,
};

/**
 * Registers the Tideflow search attributes on `namespace` if missing. Idempotent. The dev server
 * gets them from `--search-attribute`; this is for full servers (docker-compose, Temporal Cloud
 * needs `tcld` instead). Fails if one exists with a different type.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const missing: Record<string, IndexedValueType> = {};
  for (const attr of TIDEFLOW_SEARCH_ATTRIBUTES) {
    const wanted = INDEXED_VALUE_TYPE[attr.type];
    const have = custom[attr.name];
    if (have === undefined) missing[attr.name] = wanted;
    else if (have !== wanted) {
      throw new Error(`search attribute ${attr.name} exists in namespace ${namespace} with type ${have}, but Tideflow needs ${attr.type}`);
    }
  }
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // ALREADY_EXISTS (6): someone else registered them concurrently, which is what we wanted.
    if (!(typeof err === 'object' && err !== null && 'code' in err && err.code === 6)) throw err;
  }
}
