/**
 * Exports in the registry views, through the real `tideflow` CLI against the real MinIO: a
 * registered version with no export shows none (`-`, `exports: {}`); after `tideflow models export
 * --format onnx`, `models show` (the versions table, one version, both --json forms) and `models
 * lineage` (its artifact table and --json) all list the stored ONNX file with its checksum and size.
 */
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { putArtifact } from '../../activities/ml/store';
import { runCli } from '../../cli/main';
import { registerModelVersion, type ArtifactRef } from '../../registry';
import { testStore } from '../artifacts/store-helper';
import { captureIo } from '../cli/helpers';
import { GBT_PIPELINE, trainModel } from './helpers';

const store = testStore('onnx-export-cli');
const env = { ...inject('stack').env, TIDEFLOW_PREFIX: store.prefix };
const NAME = 'exported';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  const model = await trainModel('gbt', 'binary', GBT_PIPELINE, { maxIter: 5 }, 600);
  const ref = await putArtifact(store, `${store.prefix}models/exported.json`, model.artifact);
  await registerModelVersion(store, {
    name: NAME,
    model: ref,
    metrics: { accuracy: 0.9 },
    params: { maxIter: 5 },
    trainingData: [ref],
    source: { dagId: 'ml_retrain', workflowId: 'run-x', runId: 'temporal-run-x', taskId: 'register' },
    idempotencyKey: 'run-x/register',
  });
}, 120_000);

describe('exports in models show and models lineage', () => {
  it('shows no export before, and the stored ONNX file after `models export`', async () => {
    const before = await cli('models', 'show', NAME);
    expect(before.code).toBe(0);
    expect(before.out).toMatch(/VERSION\s+STATUS\s+ALIASES\s+CREATED\s+SOURCE RUN\s+EXPORTS\s+METRICS\n/);
    expect(before.out).toMatch(/\n1\s+ready\s+-\s+\S+ \S+\s+run-x\s+-\s+accuracy=0\.9000\n/);
    expect((await cli('models', 'show', NAME, '--version', '1')).out).toMatch(/ONNX export:\s+-\n/);
    const linBefore = await cli('models', 'lineage', NAME, '--version', '1', '--json');
    expect(JSON.parse(linBefore.out)).toMatchObject({ version: 1, exports: {} });
    expect((await cli('models', 'lineage', NAME, '--version', '1')).out).not.toMatch(/onnx export/);

    const exported = await cli('models', 'export', NAME, '--version', '1', '--format', 'onnx', '--json');
    expect(exported.code).toBe(0);
    const artifact = (JSON.parse(exported.out) as { artifact: ArtifactRef }).artifact;
    expect(artifact.uri).toMatch(new RegExp(`/artifacts/sha256/[0-9a-f]{2}/${artifact.sha256}$`));

    // models show: the versions table and its JSON.
    const table = await cli('models', 'show', NAME);
    expect(table.out).toMatch(/\n1\s+ready\s+-\s+\S+ \S+\s+run-x\s+onnx\s+accuracy=0\.9000\n/);
    const list = JSON.parse((await cli('models', 'show', NAME, '--json')).out) as { versions: { exports?: unknown }[] };
    expect(list.versions[0]?.exports).toEqual({ onnx: artifact });
    // models show --version: the one-version view and its JSON.
    expect((await cli('models', 'show', NAME, '--version', '1')).out).toContain(`ONNX export:      ${artifact.uri}\n`);
    expect(JSON.parse((await cli('models', 'show', NAME, '--version', '1', '--json')).out)).toMatchObject({ exports: { onnx: artifact } });

    // models lineage: the artifact table (role, uri, short checksum, bytes) and its JSON.
    const lineage = await cli('models', 'lineage', NAME, '--version', '1');
    expect(lineage.code).toBe(0);
    const row = lineage.out.split('\n').find((l) => l.trim().startsWith('onnx export'));
    expect(row?.trim().split(/\s{2,}/)).toEqual(['onnx export', artifact.uri, artifact.sha256.slice(0, 12), String(artifact.bytes)]);
    expect(JSON.parse((await cli('models', 'lineage', NAME, '--version', '1', '--json')).out)).toMatchObject({
      version: 1,
      exports: { onnx: artifact },
    });
  }, 120_000);
});
