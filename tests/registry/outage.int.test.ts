/**
 * MinIO goes away for a few seconds while registrations and an upload are in flight. Each
 * operation is retried the way Temporal retries an activity (same task identity, backoff);
 * afterwards every registration succeeded exactly once and nothing half-written is visible.
 * A private stack, since the shared one must not be stopped.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistryActivities } from '../../activities/registry';
import type { TaskContext } from '../../activities/context';
import { listVersions, type ArtifactStore } from '../../registry';
import { putArtifactStream, readArtifactBytes, sweepStaging } from '../../storage/artifacts';
import { createS3Client } from '../../storage/s3-client';
import { startPrivateStack, type PrivateStack } from '../setup/private-stack';
import { artifact } from './fixtures';

let own: PrivateStack | undefined;
afterAll(async () => {
  await own?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Temporal's activity retry, in miniature: same identity every attempt, exponential backoff. */
async function retried<T>(label: string, attempt: (n: number) => Promise<T>, log: string[]): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= 12) throw err;
      log.push(`${label} attempt ${n}: ${err instanceof Error ? err.name : String(err)}`);
      await sleep(Math.min(500 * 2 ** (n - 1), 3000));
    }
  }
}

function ctxFor(run: string, attempt: number, store: ArtifactStore): TaskContext {
  return {
    dagId: 'ml_retrain',
    taskId: 'register',
    workflowId: run,
    runId: `temporal-${run}`,
    logicalDate: '2024-01-01T00:00:00.000Z',
    ds: '2024-01-01',
    dataIntervalStart: '2024-01-01T00:00:00.000Z',
    dataIntervalEnd: '2024-01-02T00:00:00.000Z',
    params: { run },
    attempt,
    heartbeat: () => undefined,
    signal: new AbortController().signal,
    log: { info: () => undefined, warn: () => undefined },
    store,
  };
}

/** `mib` MiB of data; after the first 8 MiB it waits for `gate`, so an outage always lands mid-upload. */
function bytesStream(mib: number, gate: Promise<void> = Promise.resolve()): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === mib) return void this.push(null);
      const push = (): void => void this.push(Buffer.alloc(1024 * 1024, i++ % 251));
      if (i === 8) void gate.then(push);
      else push();
    },
  });
}

describe('MinIO unavailable mid-operation', () => {
  it('retried registrations and uploads succeed once MinIO is back, with nothing half-written visible', async () => {
    own = await startPrivateStack('outage-test');
    const { stack, config } = own;
    const store: ArtifactStore = { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: 'outage/' };
    const { registryRegisterModel } = createRegistryActivities(() => store);
    const model = await artifact(store, 'model bytes');
    const data = await artifact(store, 'training rows');

    const log: string[] = [];
    const runs = Array.from({ length: 12 }, (_, n) => `run-${n}`);
    const registrations = runs.map((run, n) =>
      sleep(n * 40).then(() =>
        retried(
          run,
          (attempt) => registryRegisterModel({ modelName: 'outage', model, trainingData: [data] }, ctxFor(run, attempt, store)),
          log,
        ),
      ),
    );
    const expected = createHash('sha256');
    for (let i = 0; i < 40; i++) expected.update(Buffer.alloc(1024 * 1024, i % 251));
    let outageStarted!: () => void;
    const outage = new Promise<void>((resolve) => (outageStarted = resolve));
    const upload = retried('upload', (n) => putArtifactStream(store, bytesStream(40, n === 1 ? outage : undefined)), log);

    await sleep(150);
    await stack.stopMinio();
    outageStarted();
    await sleep(3000);
    await stack.startMinio();
    const [results, uploaded] = await Promise.all([Promise.all(registrations), upload]);

    console.log(
      `[outage] failed attempts retried: ${log.length}; upload: ${log.filter((l) => l.startsWith('upload ')).length}; errors: ${[...new Set(log.map((l) => l.split(': ')[1]))].join(', ')}`,
    );
    // The outage really interrupted work: the upload and some registrations failed at least once.
    expect(log.some((l) => l.startsWith('upload '))).toBe(true);
    expect(log.some((l) => l.startsWith('run-'))).toBe(true);
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(runs.map((_, n) => n + 1));
    const versions = await listVersions(store, 'outage');
    // Exactly one version per run, all ready: no pending leftovers, no duplicates, no gaps.
    expect(versions.map((v) => `${v.version}:${v.status}`)).toEqual(runs.map((_, n) => `${n + 1}:ready`));
    expect(new Set(versions.map((v) => v.source.workflowId)).size).toBe(runs.length);

    expect(uploaded.sha256).toBe(expected.digest('hex'));
    expect((await readArtifactBytes(store, uploaded)).length).toBe(40 * 1024 * 1024);
    // Under the content keys only whole, verified artifacts: the three we wrote.
    const listed = await store.s3.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: 'outage/artifacts/sha256/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      [model.uri, data.uri, uploaded.uri].map((u) => u.replace(`s3://${store.bucket}/`, '')).sort(),
    );
    // A staging object the failed attempt could not clean up (S3 was down) is garbage the sweeper removes.
    const leftovers = await sweepStaging(store, 0);
    console.log(`[outage] staging leftovers swept: ${leftovers.length}`);
    expect(await sweepStaging(store, 0)).toEqual([]);
  }, 120_000);
});
