/** Version numbering and idempotent registration on the real MinIO. */
import { describe, expect, it } from 'vitest';
import {
  deleteVersion,
  getVersion,
  latestVersionNumber,
  promoteVersion,
  listVersions,
  registerModelVersion,
  type ModelVersion,
} from '../../registry';
import { putDoc } from '../../storage/documents';
import { idempotencyKeyPath, versionKey } from '../../registry/layout';
import { testStore } from '../artifacts/store-helper';
import { inputs, request } from './fixtures';

const store = testStore('registry-versions');

describe('model versions', () => {
  it('gives 50 concurrent registrations the versions 1..50, no duplicates, no gaps', async () => {
    const i = await inputs(store, 'concurrent');
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => registerModelVersion(store, request('concurrent', i, `run-${n}`))),
    );
    const ms = Date.now() - t0;
    console.log(`[registry] 50 concurrent registrations in ${ms} ms`);
    expect(results.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
    expect(results.every((v) => v.status === 'ready')).toBe(true);
    // Each run got its own version, recorded with its own source.
    expect(new Set(results.map((v) => v.source.workflowId)).size).toBe(50);
    const listed = await listVersions(store, 'concurrent');
    expect(listed.map((v) => v.version)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
    expect(await latestVersionNumber(store, 'concurrent')).toBe(50);
  });

  it('returns the version already created when the same run+task registers again (a Temporal retry)', async () => {
    const i = await inputs(store, 'retry');
    const first = await registerModelVersion(store, request('retry', i, 'run-a'));
    const again = await registerModelVersion(store, request('retry', i, 'run-a'));
    expect(again.version).toBe(first.version);
    const other = await registerModelVersion(store, request('retry', i, 'run-b'));
    expect(other.version).toBe(first.version + 1);
    expect((await listVersions(store, 'retry')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('adopts a version claimed by an attempt that died before binding it, instead of adding another', async () => {
    const i = await inputs(store, 'orphan');
    await registerModelVersion(store, request('orphan', i, 'run-0'));
    // What a worker killed mid-registration leaves: the key's record without a version, and version 2 pending.
    const req = request('orphan', i, 'run-died');
    await putDoc(
      store,
      idempotencyKeyPath(store, 'orphan', req.idempotencyKey),
      { key: req.idempotencyKey, version: null, floor: 1, createdAt: new Date().toISOString() },
      { ifNoneMatch: true },
    );
    // Written as workers wrote versions before registry documents had a format version: still read.
    const pending: Omit<ModelVersion, 'formatVersion'> = {
      format: 'tideflow.model-version',
      name: 'orphan',
      version: 2,
      status: 'pending_registration',
      model: i.model,
      metrics: {},
      params: {},
      trainingData: [],
      source: req.source,
      tags: {},
      description: '',
      createdAt: 'x',
      updatedAt: 'x',
      idempotencyKey: req.idempotencyKey,
      claimToken: 'died',
    };
    await putDoc(store, versionKey(store, 'orphan', 2), pending, { ifNoneMatch: true });
    const retried = await registerModelVersion(store, req);
    expect(retried).toMatchObject({ version: 2, status: 'ready' });
    expect(await latestVersionNumber(store, 'orphan')).toBe(2);
  });

  it('never serves duplicates when attempts with one key overlap: one version is ready, extras are failed_registration', async () => {
    const i = await inputs(store, 'overlap');
    const results = await Promise.all(Array.from({ length: 4 }, () => registerModelVersion(store, request('overlap', i, 'run-x'))));
    const winner = results[0]?.version;
    expect(results.every((v) => v.version === winner && v.status === 'ready')).toBe(true);
    const all = await listVersions(store, 'overlap');
    expect(all.filter((v) => v.status === 'ready').map((v) => v.version)).toEqual([winner]);
    expect(all.filter((v) => v.status !== 'ready').every((v) => v.status === 'failed_registration')).toBe(true);
  });

  it('records failed_registration when the model artifact does not exist', async () => {
    const i = await inputs(store, 'missing');
    const missing = { ...i.model, uri: `s3://${store.bucket}/${store.prefix}nowhere/model.json` };
    const v = await registerModelVersion(store, request('missing', { ...i, model: missing }, 'run-m'));
    expect(v).toMatchObject({ version: 1, status: 'failed_registration' });
    expect(v.statusMessage).toMatch(/does not exist/);
    expect((await getVersion(store, 'missing', 1)).status).toBe('failed_registration');
  });

  it('never reuses a deleted version number; an aliased version cannot be deleted', async () => {
    const i = await inputs(store, 'delete');
    for (const run of ['d-1', 'd-2', 'd-3']) await registerModelVersion(store, request('deleting', i, run));
    await promoteVersion(store, { name: 'deleting', version: 2, alias: 'champion', actor: 't', reason: 'r' });
    await expect(deleteVersion(store, 'deleting', 2)).rejects.toThrow(/alias champion/);
    expect((await deleteVersion(store, 'deleting', 3)).deletedAt).toBeDefined();
    const next = await registerModelVersion(store, request('deleting', i, 'd-4'));
    expect(next.version).toBe(4);
    await expect(promoteVersion(store, { name: 'deleting', version: 3, alias: 'champion', actor: 't', reason: 'r' })).rejects.toThrow(
      /deleted/,
    );
  });

  it('rejects model names that are not safe key segments', async () => {
    const i = await inputs(store, 'names');
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a..b']) {
      await expect(registerModelVersion(store, request(bad, i, 'run-n'))).rejects.toThrow(/invalid model name/);
    }
  });
});
