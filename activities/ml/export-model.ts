/**
 * export: a registered version → its model as an ONNX file (ml/onnx), stored content-addressed
 * and recorded on the version (`exports.onnx`, registry/exports.ts). Used by `tideflow models
 * export` and, as the activity `mlExportModel`, by ml_retrain when its params say
 * `export: ['onnx']`. A model that cannot be exported exactly fails with OnnxExportError (bad
 * input: never retried); re-exporting the same version writes nothing new.
 */
import { exportOnnx } from '../../ml/onnx';
import { attachExport, getVersion, type ArtifactStore, type ExportFormat, type ModelVersion } from '../../registry';
import { codeVersion } from '../../storage/artifacts/manifest';
import { putArtifactBytes } from '../../storage/artifacts/upload';
import type { TaskContext } from '../context';
import { getArtifact, type StoreProvider } from './store';
import type { ArtifactRef } from './types';

export interface ExportModelInput {
  modelName: string;
  version: number;
  format: ExportFormat;
}

export interface ExportModelOutput {
  modelName: string;
  version: number;
  format: ExportFormat;
  artifact: ArtifactRef;
}

export interface ExportedVersion {
  version: ModelVersion;
  artifact: ArtifactRef;
  /** The file's bytes (the CLI writes them to --out). */
  bytes: Uint8Array;
}

/** Export version `version` of `name` and attach the file to it. */
export async function exportRegisteredVersion(
  s: ArtifactStore,
  name: string,
  version: number,
  format: ExportFormat,
): Promise<ExportedVersion> {
  const v = await getVersion(s, name, version);
  const doc = await getArtifact(s, v.model);
  const bytes = exportOnnx(doc, { modelVersion: v.version, tideflowVersion: codeVersion().packageVersion, uri: v.model.uri });
  const put = await putArtifactBytes(s, bytes, { contentType: 'application/octet-stream' });
  const artifact: ArtifactRef = { uri: put.uri, bytes: put.bytes, sha256: put.sha256 };
  const updated = await attachExport(s, name, version, format, artifact);
  return { version: updated, artifact, bytes };
}

export function exportModel(store: StoreProvider) {
  return async (input: ExportModelInput, ctx: TaskContext): Promise<ExportModelOutput> => {
    const { artifact } = await exportRegisteredVersion(store(ctx), input.modelName, input.version, input.format);
    ctx.log.info('exported model', { modelName: input.modelName, version: input.version, format: input.format, uri: artifact.uri });
    return { modelName: input.modelName, version: input.version, format: input.format, artifact };
  };
}
