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

  it('a conditional promotion never moves the champion backwards: 20 concurrent retrains of one model (issue 14.3)', async () => {
    const name = `race-${Math.random().toString(36).slice(2, 7)}`;
    for (let k = 1; k <= 20; k++) await registerModelVersion(store, request(name, i, `race-run-${k}`));
    await promoteVersion(store, { name, version: 1, alias: 'champion', actor: 'seed', reason: 'first' });
    // Each "retrain" k reads the champion when its gate runs, then promotes v(k) conditionally on it.
    const results = await Promise.all(
      Array.from({ length: 19 }, async (_, j) => {
        const version = j + 2;
        await new Promise((r) => setTimeout(r, Math.random() * 50));
        const compared = (await getAlias(store, name, 'champion'))?.version ?? null;
        await new Promise((r) => setTimeout(r, Math.random() * 50));
        const res = await promoteVersion(store, {
          name,
          version,
          alias: 'champion',
          actor: `dag:ml_retrain/run-${version}`,
          reason: `v${version} blessed vs v${compared}`,
          expectedVersion: compared,
        });
        return { version, compared, res };
      }),
    );
    const applied = results.filter((r) => r.res.applied);
    const refused = results.filter((r) => r.res.refused !== undefined);
    expect(applied.length + refused.length).toBe(19);
    expect(refused.length).toBeGreaterThan(0);
    // Every applied promotion replaced exactly the version its gate compared against.
    for (const r of applied) expect(r.res.event.previousVersion).toBe(r.compared);
    const record = await getAlias(store, name, 'champion');
    const promotes = record?.events.filter((e) => e.action === 'promote') ?? [];
    for (const e of promotes.slice(1)) {
      const decision = results.find((r) => r.version === e.version);
      expect(e.previousVersion).toBe(decision?.compared);
    }
    // Refusals are in the audit trail with their reason, and left the pointer where it was.
    const refusedEvents = record?.events.filter((e) => e.action === 'refused') ?? [];
    expect(refusedEvents).toHaveLength(refused.length);
    expect(refusedEvents[0]?.reason).toMatch(/^not promoted: champion moved from v\d+ to v\d+ since v\d+'s gate compared against v\d+/);
    // A retried refused request is recognised, not applied.
    const again = await promoteVersion(store, {
      name,
      version: refused[0]!.version,
      alias: 'champion',
      actor: 'retry',
      reason: 'retry',
      expectedVersion: refused[0]!.compared,
      requestId: refusedEvents[0]!.requestId,
    });
    expect(again.applied).toBe(false);
    expect(again.refused).toBeDefined();
  });
});
