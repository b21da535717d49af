/**
 * Where the benchmark runs: a fresh local stack of its own (Temporal dev server + MinIO in a
 * temporary directory, on free ports, removed afterwards), or an existing Temporal server
 * given by `--address` (S3 settings then come from the usual environment variables).
 *
 * The own stack's dev server is tuned by default (TUNED_DYNAMIC_CONFIG): with stock settings a
 * history shard reads its transfer queue at most 20 times a second, so every workflow task and
 * every activity task waits for the next 50 ms tick and a sequential chain costs ~100 ms a task
 * whatever the orchestrator does.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig, type TideflowConfig } from '../config/env';
import { provisionBinaries } from '../infra/provision';
import { ensureSearchAttributes, findFreePort, LOW_LATENCY_DYNAMIC_CONFIG, startStack } from '../infra/stack';
import type { ServerInfo } from './types';

/** Dynamic config the own stack's dev server gets unless `--stock-server` (the same as `npm start`'s). */
export const TUNED_DYNAMIC_CONFIG: readonly string[] = LOW_LATENCY_DYNAMIC_CONFIG;

export interface ServerSetup {
  /** `KEY=VALUE` pairs for the own stack's dev server; ignored with an address. */
  dynamicConfig: readonly string[];
}

export interface BenchEnvironment {
  config: TideflowConfig;
  /** What the results were measured against, for the JSON output. */
  server: ServerInfo;
  /** One line for the report header. */
  description: string;
  /** Stops what this environment started (nothing, for `--address`); safe to call twice. */
  close(): Promise<void>;
}

/** `count` distinct free ports (the OS may hand the same one out twice in a row). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count && tries < count * 10; tries++) ports.add(await findFreePort());
  if (ports.size < count) throw new Error('could not find enough free ports');
  return [...ports];
}

async function startOwnStack(setup: ServerSetup, log: (line: string) => void): Promise<BenchEnvironment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideflow-bench-'));
  const removeDir = (): void => fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    const [temporalPort, minioPort, minioConsolePort] = (await freePorts(3)) as [number, number, number];
    const dynamicConfig = setup.dynamicConfig;
    const bins = await provisionBinaries(log);
    if (dynamicConfig.length > 0) log(`dev server dynamic config: ${dynamicConfig.join(' ')}`);
    const stack = await startStack({
      binaries: bins,
      dynamicConfig,
      dataDir,
      temporalPort,
      uiPort: null,
      minioPort,
      minioConsolePort,
      bucket: 'tideflow-bench',
      minioUser: 'bench',
      minioPassword: randomBytes(18).toString('base64url'),
      log,
    });
    let closed = false;
    return {
      // Only the stack's own variables: nothing from the caller's TEMPORAL_* / AWS_* leaks in.
      config: loadConfig({ ...stack.env, TIDEFLOW_PREFIX: 'bench/' }),
      server: { kind: 'own-stack', address: stack.temporalAddress, dynamicConfig },
      description: `own stack: Temporal dev server ${stack.temporalAddress}, MinIO ${stack.s3Endpoint} (data in ${dataDir})`,
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        log('stopping the stack…');
        try {
          await stack.stop();
        } finally {
          removeDir();
        }
      },
    };
  } catch (err) {
    removeDir();
    throw err;
  }
}

async function useExistingServer(address: string, log: (line: string) => void): Promise<BenchEnvironment> {
  const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: address, TIDEFLOW_PREFIX: 'bench/' });
  // Engine runs are started with Tideflow's search attributes; register them if this server lacks them.
  const connection = await Connection.connect(config.temporal.connection);
  try {
    await ensureSearchAttributes(connection, config.temporal.namespace);
  } catch (err) {
    log(`warning: could not check Tideflow's search attributes on ${address}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await connection.close();
  }
  return {
    config,
    server: { kind: 'existing', address, dynamicConfig: [] },
    description: `existing server ${address} (namespace ${config.temporal.namespace})`,
    close: async () => undefined,
  };
}

export async function openEnvironment(
  address: string | undefined,
  setup: ServerSetup,
  log: (line: string) => void,
): Promise<BenchEnvironment> {
  return address === undefined ? startOwnStack(setup, log) : useExistingServer(address, log);
}
