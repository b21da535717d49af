/**
 * Vitest global setup: one Temporal dev server + MinIO for the whole test run, on free ports in a
 * fresh temp dir. Test files read the coordinates with `inject('stack')` (or process.env, which
 * child processes such as a spawned worker or CLI inherit).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { provisionBinaries } from '../../infra/provision';
import { findFreePort, LOW_LATENCY_DYNAMIC_CONFIG, startStack } from '../../infra/stack';
import { OWN_NAMESPACES } from './namespaces';

export interface ProvidedStack {
  temporalAddress: string;
  namespace: string;
  s3Endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, AWS_* and TIDEFLOW_BUCKET, as set in process.env. */
  env: Record<string, string>;
  /** Binary paths, so a test that must crash/restart servers can start its own private stack. */
  binaries: { temporal: string; minio: string };
  /** The shared stack's data dir (logs under logs/); a test's own stack must use another dir. */
  dataDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

const log = (line: string): void => console.log(`[global-setup] ${line}`);

/** Distinct free ports (asking the OS one at a time could hand back the same port twice). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = await provisionBinaries(log);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideflow-test-'));
  // Vitest exits straight away on Ctrl-C without running teardowns; the stack's own exit hook kills
  // the servers, and this removes the temp dir.
  const removeDataDir = (): void => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  process.once('exit', removeDataDir);

  const [temporalPort, minioPort, minioConsolePort] = await freePorts(3);
  if (temporalPort === undefined || minioPort === undefined || minioConsolePort === undefined) throw new Error('no free ports');
  const started = Date.now();
  const stack = await startStack({
    dataDir,
    temporalPort,
    uiPort: null,
    minioPort,
    minioConsolePort,
    bucket: 'tideflow-test',
    minioUser: 'tideflow-test',
    minioPassword: `test-${Math.random().toString(36).slice(2)}-secret`,
    binaries,
    dynamicConfig: LOW_LATENCY_DYNAMIC_CONFIG,
    extraNamespaces: OWN_NAMESPACES,
    log,
  });
  log(`stack ready in ${Date.now() - started} ms: Temporal ${stack.temporalAddress}, MinIO ${stack.s3Endpoint} (data ${dataDir})`);

  Object.assign(process.env, stack.env);
  project.provide('stack', {
    temporalAddress: stack.temporalAddress,
    namespace: stack.namespace,
    s3Endpoint: stack.s3Endpoint,
    bucket: stack.bucket,
    region: stack.env['AWS_REGION'] ?? 'us-east-1',
    accessKeyId: stack.accessKeyId,
    secretAccessKey: stack.secretAccessKey,
    env: stack.env,
    binaries,
    dataDir,
  });

  return async () => {
    await stack.stop();
    removeDataDir();
    process.removeListener('exit', removeDataDir);
  };
}
