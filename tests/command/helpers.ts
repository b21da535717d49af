/**
 * The command-step integration tests' stack: an in-process worker serving the real DAGs plus the
 * command test DAGs (with a "worker secret" in its environment), and S3 and history readers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { activities } from '../../activities';
import type { ArtifactRef, CommandOutput } from '../../activities/command/types';
import type { RunView } from '../../core/run-view';
import { dags } from '../../dags';
import { parseS3Uri } from '../../storage/s3-uri';
import { createTideflowWorker, workerOptionsFromConfig } from '../../workers/create-worker';
import { taskOf, useHarnessWithoutWorker, type Harness } from '../integration/harness';
import { commandTestDags } from './dags';

export const FIX = 'tests/command/fixtures';
export const SECRET_NAME = 'TIDEFLOW_CMD_TEST_SECRET';
export const SECRET = `tf-secret-${randomUUID()}`;

/**
 * The file's harness with an in-process worker for the command DAGs, and a scratch dir; both go in
 * `afterAll`. The worker reads its environment at run time: SECRET is set there as the "worker secret".
 */
export function useCommandWorker(name: string): { h: Harness; scratch: string } {
  const h = useHarnessWithoutWorker(name);
  const scratch = mkdtempSync(join(tmpdir(), 'tideflow-cmd-test-'));
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  beforeAll(async () => {
    process.env[SECRET_NAME] = SECRET;
    connection = await NativeConnection.connect({ address: inject('stack').temporalAddress });
    const quiet = { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} };
    worker = await createTideflowWorker({
      connection,
      ...workerOptionsFromConfig(h.config),
      dags: [...dags, ...commandTestDags],
      activities,
      workflows: { workflowBundle: await bundleWorkflowCode({ workflowsPath: join(__dirname, 'workflows.ts'), logger: quiet }) },
    });
    running = worker.run();
  }, 180_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  return { h, scratch };
}

export async function readObject(h: Harness, uri: string): Promise<Buffer> {
  const { bucket, key } = parseS3Uri(uri);
  const res = await h.store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

export async function putObject(h: Harness, key: string, body: string): Promise<ArtifactRef> {
  const full = `${h.store.prefix}${key}`;
  await h.store.s3.send(new PutObjectCommand({ Bucket: h.store.bucket, Key: full, Body: body }));
  return { uri: `s3://${h.store.bucket}/${full}`, bytes: Buffer.byteLength(body), sha256: sha(Buffer.from(body)) };
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const outputOf = (view: RunView, id = 'run'): CommandOutput => taskOf(view, id).output as CommandOutput;

/** The history as JSON plus every base64 value in it decoded (payloads are base64 bytes in JSON form). */
export function decodedHistory(history: unknown): string {
  const json = JSON.stringify(history);
  const texts = [json];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= 8 && v.length % 4 === 0 && /^[A-Za-z0-9+/]+=*$/.test(v)) texts.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(JSON.parse(json));
  return texts.join('\n');
}

export async function waitForFile(path: string): Promise<{ pid: number; grandchild: number }> {
  for (let i = 0; i < 600 && !existsSync(path); i++) await sleep(50);
  return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; grandchild: number };
}
