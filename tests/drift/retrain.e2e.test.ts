/** End to end on the real servers: a burst of drift alerts → exactly one ml_retrain run with trigger=drift → a new registered version. */
import { beforeAll, describe, expect, it } from 'vitest';
import { driftStatus, signalDrift } from '../../client/drift';
import type { ControllerStatus } from '../../mlops/retrain-policy';
import { TRIGGER_KEY } from '../../core/search-attributes';
import { listVersions, type ArtifactStore } from '../../registry';
import { readRunManifest } from '../../storage/artifacts/manifest';
import { waitFor } from '../backfill/helpers';
import { useHarnessWithWorker } from '../integration/harness';

const h = useHarnessWithWorker('drift-e2e');
let store: ArtifactStore;
beforeAll(async () => {
  store = h.store;
}, 180_000);

describe('drift-triggered retraining', () => {
  it('a burst of alerts starts exactly one ml_retrain run, which registers a new version', async () => {
    const model = `penguins-${Math.random().toString(36).slice(2, 8)}`;
    const opts = { taskQueue: h.taskQueue, controller: { debounceSeconds: 1, cooldownSeconds: 60 } };
    for (const fp of ['psi-bill', 'psi-flipper', 'psi-bill'])
      await signalDrift(h.client, model, { fingerprint: fp, reason: `${fp} > 0.25`, source: 'monitoring' }, opts);
    const s = await waitFor<ControllerStatus>(
      'the retrain to finish',
      async () => {
        const st = await driftStatus(h.client, model);
        return st?.lastRetrain ? st : undefined;
      },
      150_000,
    );
    expect(s.history).toHaveLength(1);
    expect(s.lastRetrain).toMatchObject({ dagId: 'ml_retrain', outcome: 'succeeded' });
    expect(s.duplicates).toBe(1);
    const runId = s.lastRetrain?.runId ?? '';
    expect((await h.client.workflow.getHandle(runId).describe()).typedSearchAttributes.get(TRIGGER_KEY)).toBe('drift');
    const versions = await listVersions(store, model);
    expect(versions.map((v) => [v.version, v.status, v.source.workflowId])).toEqual([[1, 'ready', runId]]);
    const manifest = await readRunManifest(store, 'ml_retrain', runId);
    expect(manifest?.params).toMatchObject({
      modelName: model,
      driftAlerts: [expect.objectContaining({ fingerprint: 'psi-bill' }), expect.objectContaining({ fingerprint: 'psi-flipper' })],
    });
  }, 180_000);
});
