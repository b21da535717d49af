/** Aliases (MLflow name rules), promotion with audit, rollback, and lineage, on the real MinIO. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  getAlias,
  getVersionByAlias,
  lineageOfDataset,
  lineageOfVersion,
  promoteVersion,
  registerModelVersion,
  rollbackAlias,
  validateAliasName,
  type ArtifactRef,
} from '../../registry';
import { testStore } from '../artifacts/store-helper';
import { inputs, request, type Inputs } from './fixtures';

const store = testStore('registry-aliases');
let i: Inputs;
beforeAll(async () => {
  i = await inputs(store, 'aliases');
  for (const run of ['run-1', 'run-2', 'run-3']) await registerModelVersion(store, request('churn', i, run));
});

describe('aliases', () => {
  it('accepts MLflow alias names and rejects reserved or malformed ones', async () => {
    for (const ok of ['champion', 'challenger', 'blue-green_2', 'V1beta', 'x'.repeat(255)]) expect(validateAliasName(ok)).toBe(ok);
    for (const bad of ['latest', 'LATEST', 'v1', 'v42', 'V7', '', 'has space', 'a/b', '../champion', 'x'.repeat(256)]) {
      expect(() => validateAliasName(bad), bad).toThrow();
    }
    await expect(promoteVersion(store, { name: 'churn', version: 1, alias: 'latest', actor: 'ana', reason: 'r' })).rejects.toThrow(
      /reserved/,
    );
    await expect(promoteVersion(store, { name: 'churn', version: 1, alias: 'v2', actor: 'ana', reason: 'r' })).rejects.toThrow(/reserved/);
  });

  it('moves an alias on promotion, records who/why/when/previous, and rolls back to the previous holder', async () => {
    const p1 = await promoteVersion(store, { name: 'churn', version: 1, alias: 'champion', actor: 'ana', reason: 'first model' });
    expect(p1.event).toMatchObject({ action: 'promote', version: 1, previousVersion: null, actor: 'ana', reason: 'first model' });
    const p2 = await promoteVersion(store, { name: 'churn', version: 2, alias: 'champion', actor: 'bob', reason: 'better AUC' });
    expect(p2.event).toMatchObject({ version: 2, previousVersion: 1, actor: 'bob', reason: 'better AUC' });
    expect(Date.parse(p2.event.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await getVersionByAlias(store, 'churn', 'champion')).version).toBe(2);

    const back = await rollbackAlias(store, { name: 'churn', alias: 'champion', actor: 'ana', reason: 'v2 regressed in prod' });
    expect(back.event).toMatchObject({ action: 'rollback', version: 1, previousVersion: 2, actor: 'ana', reason: 'v2 regressed in prod' });
    expect((await getVersionByAlias(store, 'churn', 'champion')).version).toBe(1);
    // The full audit trail stays on the alias.
    expect((await getAlias(store, 'churn', 'champion'))?.events.map((e) => `${e.action}:${e.previousVersion}->${e.version}`)).toEqual([
      'promote:null->1',
      'promote:1->2',
      'rollback:2->1',
    ]);
    await expect(rollbackAlias(store, { name: 'churn', alias: 'champion', actor: 'ana', reason: 'again' })).rejects.toThrow(
      /no previous version/,
    );
    await expect(rollbackAlias(store, { name: 'churn', alias: 'nobody', actor: 'ana', reason: 'r' })).rejects.toThrow(/no alias/);
    await expect(promoteVersion(store, { name: 'churn', version: 3, alias: 'champion', actor: 'ana', reason: '' })).rejects.toThrow(
      /reason is required/,
    );
    await expect(promoteVersion(store, { name: 'churn', version: 99, alias: 'champion', actor: 'ana', reason: 'r' })).rejects.toThrow(
      /no version 99/,
    );
  });

  it('applies a retried promotion (same request id) once', async () => {
    const req = {
      name: 'churn',
      version: 3,
      alias: 'challenger',
      actor: 'dag:ml_retrain/run-3',
      reason: 'gate passed',
      requestId: 'run-3/promote',
    };
    const first = await promoteVersion(store, req);
    const retry = await promoteVersion(store, req);
    expect([first.applied, retry.applied]).toEqual([true, false]);
    expect((await getAlias(store, 'churn', 'challenger'))?.events).toHaveLength(1);
  });

  it('loses no move when promotions race: every one is in the audit trail, in order', async () => {
    const versions = [1, 2, 3, 1, 2, 3, 1, 2];
    await Promise.all(
      versions.map((version, n) => promoteVersion(store, { name: 'churn', version, alias: 'race', actor: `user-${n}`, reason: 'race' })),
    );
    const alias = await getAlias(store, 'churn', 'race');
    expect(alias?.events).toHaveLength(versions.length);
    // Each event's previous version is the one the event before it set: a linear history.
    alias?.events.forEach((e, n) => expect(e.previousVersion).toBe(n === 0 ? null : alias.events[n - 1]?.version));
    expect(alias?.version).toBe(alias?.events[alias.events.length - 1]?.version);
  });
});

describe('lineage', () => {
  it('links a version to its run, params, pipeline and data, and a dataset to the versions and runs that used it', async () => {
    const [a, b] = i.datasets as [ArtifactRef, ArtifactRef];
    const v4 = await registerModelVersion(store, request('churn', i, 'run-4', { trainingData: [a, b], params: { l2: 0.1 } }));
    const other = await registerModelVersion(store, request('fraud', i, 'run-f', { trainingData: [b] }));
    const lin = await lineageOfVersion(store, 'churn', v4.version);
    expect(lin).toMatchObject({
      version: 4,
      run: { dagId: 'ml_retrain', workflowId: 'run-4', taskId: 'register' },
      params: { l2: 0.1 },
      featurePipeline: i.pipeline,
    });
    expect(lin.trainingData.map((d) => d.sha256)).toEqual([a.sha256, b.sha256]);

    const usedA = await lineageOfDataset(store, a.sha256);
    expect(usedA.modelVersions.map((v) => `${v.name}@${v.version}`).sort()).toEqual(['churn@1', 'churn@2', 'churn@3', 'churn@4']);
    expect(usedA.runs.map((r) => r.workflowId).sort()).toEqual(['run-1', 'run-2', 'run-3', 'run-4']);
    const usedB = await lineageOfDataset(store, b.sha256);
    expect(usedB.modelVersions.map((v) => `${v.name}@${v.version}`).sort()).toEqual(['churn@4', `fraud@${other.version}`]);
    expect((await lineageOfDataset(store, '0'.repeat(64))).modelVersions).toEqual([]);
  });
});
