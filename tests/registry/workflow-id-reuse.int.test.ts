/**
 * A workflow id reused for a new run (issue 14.2): the new run writes its model to the same run key,
 * yet registry version 1 keeps scoring with its own bytes (versions point at content-addressed
 * copies), and the new run registers a new version instead of getting v1 back (idempotency keys on
 * the run id, not the reusable workflow id).
 */
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../activities/context';
import { createRegistryActivities } from '../../activities/registry';
import { getVersion } from '../../registry';
import { putJson } from '../../storage/artifacts';
import { readArtifactBytes } from '../../storage/artifacts/download';
import { testStore } from '../artifacts/store-helper';
import { testContext } from '../ml/activity-env';

const store = testStore('workflow-id-reuse');

const ctxFor = (runId: string): TaskContext =>
  testContext({ dagId: 'ml_retrain', taskId: 'register', workflowId: 'ml_retrain__manual__reused', runId, store });

describe('a reused workflow id', () => {
  it('neither overwrites the registered model nor returns the old version', async () => {
    const { registryRegisterModel } = createRegistryActivities((ctx) => ctx.store);
    const name = `reuse-${Math.random().toString(36).slice(2, 7)}`;
    const key = `${store.prefix}runs/ml_retrain/ml_retrain__manual__reused/model.json`;
    const first = await putJson(store, key, { weights: [1, 2, 3] });
    const v1 = await registryRegisterModel({ modelName: name, model: first }, ctxFor('run-a'));
    // The second run of the same workflow id writes its model to the same run key.
    const second = await putJson(store, key, { weights: [9, 9, 9] });
    const v2 = await registryRegisterModel({ modelName: name, model: second }, ctxFor('run-b'));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const stored1 = await getVersion(store, name, 1);
    expect(stored1.model.sha256).toBe(first.sha256);
    expect(JSON.parse((await readArtifactBytes(store, stored1.model)).toString('utf8'))).toEqual({ weights: [1, 2, 3] });
    const stored2 = await getVersion(store, name, 2);
    expect(JSON.parse((await readArtifactBytes(store, stored2.model)).toString('utf8'))).toEqual({ weights: [9, 9, 9] });
    // A retry of run-b's task still gets v2 (idempotent per run + task).
    expect((await registryRegisterModel({ modelName: name, model: second }, ctxFor('run-b'))).version).toBe(2);
  });
});
