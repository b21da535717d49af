/**
 * A store outage shorter than a minute while a task records its run manifest (issue 14.4): the
 * task's work is done, so the manifest write retries on its own budget and the task succeeds —
 * it is not failed (and redone) for a bookkeeping write. A private stack: MinIO is stopped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskContext } from '../../activities/context';
import { recordingRunManifests } from '../../activities/record-run';
import { readRunManifest } from '../../storage/artifacts/manifest';
import type { ArtifactStore } from '../../storage/artifacts/types';
import { createS3Client } from '../../storage/s3-client';
import { testContext } from '../ml/activity-env';
import { startPrivateStack, type PrivateStack } from '../setup/private-stack';

let own: PrivateStack | undefined;
afterAll(async () => {
  await own?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('run manifest writes during a MinIO outage', () => {
  it('retry past a 6-second outage; the task succeeds and its manifest entry lands', async () => {
    own = await startPrivateStack('manifest-outage');
    const { stack, config } = own;
    const store: ArtifactStore = { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: 'mo/' };
    const warnings: string[] = [];
    let heartbeats = 0;
    const ctx: TaskContext = testContext({
      dagId: 'd',
      taskId: 'no_s3_work',
      workflowId: 'wf-1',
      store,
      heartbeat: () => void heartbeats++,
      log: { info: () => undefined, warn: (m) => void warnings.push(m) },
    });
    // A task that does no S3 work of its own; MinIO goes down while it runs.
    const { work } = recordingRunManifests({
      work: async () => {
        await stack.stopMinio();
        return { answer: 42 };
      },
    });
    const restart = sleep(6000).then(() => stack.startMinio());
    const output = await (work as (i: unknown, c: TaskContext) => Promise<unknown>)(undefined, ctx);
    await restart;
    expect(output).toEqual({ answer: 42 });
    expect(warnings.some((w) => w.includes('run manifest write failed; retrying'))).toBe(true);
    expect(heartbeats).toBeGreaterThan(0);
    const manifest = await readRunManifest(store, 'd', 'wf-1');
    expect(manifest?.tasks.map((t) => `${t.taskId}:${t.status}`)).toEqual(['no_s3_work:success']);
  }, 120_000);
});
