/** ml_retrain's register step files each passing run as a registry version, with lineage. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import type { ArtifactRef } from '../../activities/ml/types';
import type { ReferenceProfile } from '../../activities/ml/profile';
import { getArtifact } from '../../activities/ml/store';
import mlRetrain from '../../dags/ml_retrain';
import { getVersionByAlias, lineageOfDataset, lineageOfVersion, listVersions, promoteVersion, type ArtifactStore } from '../../registry';
import { readRunManifest } from '../../storage/artifacts/manifest';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('registry-ml');
let store: ArtifactStore;
beforeAll(async () => {
  store = h.store;
}, 180_000);

describe('ml_retrain and the model registry', () => {
  it('registers versions 1 and 2 for two passing runs, traceable to their data and promotable', async () => {
    const modelName = `penguins-${Math.random().toString(36).slice(2, 8)}`;
    const first = await runToEnd(h, mlRetrain as DagDefinition, { modelName });
    const second = await runToEnd(h, mlRetrain as DagDefinition, { modelName });
    expect([first.view.status, second.view.status]).toEqual(['success', 'success']);
    const out = (r: typeof first) => taskOf(r.view, 'register').output as { version: number; candidate: string };
    expect([out(first).version, out(second).version]).toEqual([1, 2]);

    const versions = await listVersions(store, modelName);
    expect(versions.map((v) => [v.version, v.status, v.source.workflowId])).toEqual([
      [1, 'ready', first.workflowId],
      [2, 'ready', second.workflowId],
    ]);
    expect(versions[0]?.metrics.accuracy).toBe(
      (taskOf(first.view, 'evaluate').output as { metrics: { accuracy: number } }).metrics.accuracy,
    );

    const raw = taskOf(first.view, 'ingest').output as ArtifactRef;
    // The drift baseline: each version carries a bounded reference profile of its training data.
    const profileRef = versions[0]?.profile;
    // Pinned at its content address (issue 14.2): no later write to a run key can change it.
    expect(profileRef?.uri).toMatch(new RegExp(`/artifacts/sha256/[0-9a-f]{2}/${profileRef?.sha256}$`));
    expect(versions[0]?.model.uri).toMatch(/\/artifacts\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    const profile = (await getArtifact(store, profileRef as ArtifactRef)) as ReferenceProfile;
    expect(profile).toMatchObject({ format: 'tideflow.reference-profile', rows: expect.any(Number) });
    expect(profile.sampleSize).toBeLessThanOrEqual(5000);
    expect(profile.sample).toHaveLength(Math.min(profile.rows, 5000));
    expect(profile.features.body_mass_g).toMatchObject({ kind: 'numeric' });
    expect(profile.features.island).toMatchObject({ kind: 'categorical' });
    const lin = await lineageOfVersion(store, modelName, 1);
    expect(lin.run).toMatchObject({ dagId: 'ml_retrain', workflowId: first.workflowId, runId: first.view.runId, taskId: 'register' });
    expect(lin.trainingData[0]).toMatchObject({ uri: raw.uri, sha256: raw.sha256 });
    // The same bytes as train_best's pipeline, pinned at their content address.
    expect(lin.featurePipeline?.sha256).toBe((taskOf(first.view, 'train_best').output as { pipeline: ArtifactRef }).pipeline.sha256);
    expect((await lineageOfDataset(store, raw.sha256)).modelVersions).toContainEqual({ name: modelName, version: 1, status: 'ready' });

    expect((await lineageOfDataset(store, raw.sha256)).readBy).toContainEqual(
      expect.objectContaining({ workflowId: first.workflowId, taskId: 'validate' }),
    );

    // The run's manifest: identity, code version, and what each task read and wrote.
    const manifest = await readRunManifest(store, 'ml_retrain', first.workflowId);
    expect(manifest).toMatchObject({
      dagId: 'ml_retrain',
      workflowId: first.workflowId,
      runId: first.view.runId,
      params: expect.objectContaining({ modelName }),
    });
    expect(manifest?.code.packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    const byTask = new Map(manifest?.tasks.map((t) => [`${t.taskId}${t.mapIndex === undefined ? '' : `.${t.mapIndex}`}`, t]));
    expect([...byTask.keys()].sort()).toEqual([
      'candidates',
      'evaluate',
      'ingest',
      'register',
      'report',
      'split',
      'train_best',
      'tune.0',
      'tune.1',
      'tune.2',
      'tune.3',
      'validate',
    ]);
    expect(byTask.get('ingest')).toMatchObject({
      status: 'success',
      read: [],
      wrote: [expect.objectContaining({ uri: raw.uri, sha256: raw.sha256 })],
    });
    expect(byTask.get('validate')?.read).toContainEqual(expect.objectContaining({ uri: raw.uri }));
    // register read the model train_best wrote; the version holds the same bytes at their content address.
    expect(byTask.get('register')?.read.map((a) => a.sha256)).toContain(lin.model.sha256);
    expect(manifest?.tasks.every((t) => t.durationMs >= 0 && t.endedAt >= t.startedAt)).toBe(true);

    // Both runs were blessed and promoted; a person can still move the alias back by hand.
    expect((await getVersionByAlias(store, modelName, 'champion')).source.workflowId).toBe(second.workflowId);
    await promoteVersion(store, { name: modelName, version: 1, alias: 'champion', actor: 'test', reason: 'back to the first run' });
    expect((await getVersionByAlias(store, modelName, 'champion')).source.workflowId).toBe(first.workflowId);
  }, 120_000);
});
