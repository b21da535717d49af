/**
 * Export on the real stack (Temporal + MinIO): an ml_retrain run with `export: ['onnx']` registers
 * a version and its export_onnx task stores the ONNX file with it (content-addressed, on the
 * version record, shown by `models show`); the file scores the penguins like scoreFrame; and
 * `tideflow models export --out` writes the same bytes without storing anything new.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { getArtifact } from '../../activities/ml/store';
import { runCli } from '../../cli/main';
import type { DagDefinition } from '../../core/model';
import mlRetrain from '../../dags/ml_retrain';
import { parseModelDocument, scoreFrame } from '../../ml/predict';
import { getVersion, lineageOfVersion, type ArtifactStore } from '../../registry';
import { readArtifactBytes } from '../../storage/artifacts/download';
import { captureIo } from '../cli/helpers';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';
import { penguinFrame } from '../serve/helpers';
import { labelMismatches, maxRelativeError, scoreOnnx } from './helpers';

const h = useHarnessWithWorker('onnx-export');
let store: ArtifactStore;
let dir: string;
beforeAll(async () => {
  store = h.store;
  dir = await mkdtemp(join(tmpdir(), 'tideflow-onnx-cli-'));
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX export on registration', () => {
  it("ml_retrain with export: ['onnx'] stores the file with the version; the CLI re-exports the same bytes", async () => {
    const modelName = `penguins-onnx-${Math.random().toString(36).slice(2, 8)}`;
    const run = await runToEnd(h, mlRetrain as DagDefinition, { modelName, export: ['onnx'] });
    expect(run.view.status).toBe('success');
    const exported = taskOf(run.view, 'export_onnx');
    expect(exported.state).toBe('success');
    const { version, artifact } = exported.output as { version: number; artifact: { uri: string; sha256: string; bytes: number } };

    const v = await getVersion(store, modelName, version);
    expect(v.exports?.onnx).toEqual(artifact);
    expect(artifact.uri).toMatch(new RegExp(`/artifacts/sha256/[0-9a-f]{2}/${artifact.sha256}$`));
    expect((await lineageOfVersion(store, modelName, version)).exports?.onnx).toEqual(artifact);

    // The stored file scores the penguins as the registered model does.
    const bytes = await readArtifactBytes(store, artifact);
    const model = parseModelDocument(await getArtifact(store, v.model), v.model.uri);
    const frame = penguinFrame();
    const want = scoreFrame(model, frame);
    const got = await scoreOnnx(bytes, frame, model.pipeline.inputs);
    expect(maxRelativeError(got.probabilities as Float32Array, want.proba as Float64Array)).toBeLessThan(1e-5);
    expect(labelMismatches(got.label as string[], want.labels as string[])).toEqual([]);

    const env = { ...inject('stack').env, TIDEFLOW_PREFIX: store.prefix };
    const show = captureIo(env);
    expect(await runCli(['models', 'show', modelName, '--version', String(version)], show)).toBe(0);
    expect(show.out()).toContain(`ONNX export:      ${artifact.uri}`);

    const out = join(dir, 'model.onnx');
    const io = captureIo(env);
    expect(
      await runCli(['models', 'export', modelName, '--version', String(version), '--format', 'onnx', '--out', out, '--json'], io),
    ).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ model: modelName, version, format: 'onnx', artifact });
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(bytes))).toBe(true);

    const bad = captureIo(env);
    expect(await runCli(['models', 'export', modelName, '--format', 'pmml'], bad)).not.toBe(0);
    expect(bad.err()).toMatch(/--format must be onnx/);
  }, 300_000);
});
