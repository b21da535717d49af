/**
 * Exports of a version (issue 13): a portable copy of its model in another format (today ONNX),
 * stored content-addressed and recorded on the version as `exports.<format>`, so `models show`
 * and lineage list it next to the model artifact. Attaching the same bytes again is a no-op;
 * new bytes (a newer exporter) replace the reference. A compare-and-set on the version document,
 * like every other registry write.
 */
import { getDoc, putDoc } from '../storage/documents';
import { versionKey } from './layout';
import { validateModelName, validateVersionNumber } from './names';
import { NotFoundError, RegistryError, type ArtifactRef, type ArtifactStore, type ModelVersion } from './types';

export const EXPORT_FORMATS = ['onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export async function attachExport(
  s: ArtifactStore,
  name: string,
  version: number,
  format: ExportFormat,
  ref: ArtifactRef,
): Promise<ModelVersion> {
  const key = versionKey(s, validateModelName(name), validateVersionNumber(version));
  for (;;) {
    const doc = await getDoc<ModelVersion>(s, key);
    if (!doc) throw new NotFoundError(`model ${name} has no version ${version}`);
    const v = doc.value;
    if (v.deletedAt !== undefined) throw new RegistryError(`version ${version} of ${name} is deleted: nothing to export`);
    const had = v.exports?.[format];
    if (had && had.sha256 === ref.sha256 && had.uri === ref.uri) return v;
    const clean: ArtifactRef = { uri: ref.uri, bytes: ref.bytes, sha256: ref.sha256 };
    const next: ModelVersion = { ...v, exports: { ...v.exports, [format]: clean }, updatedAt: new Date().toISOString() };
    if ((await putDoc(s, key, next, { ifMatch: doc.etag })) !== 'conflict') return next;
  }
}
