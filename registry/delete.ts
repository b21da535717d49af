/**
 * Delete a version the MLflow way, except that its record stays as a tombstone (`deletedAt`):
 * the number stays taken, so it is never handed out again, and lineage keeps pointing at it.
 * A version an alias names cannot be deleted; move the alias first.
 */
import { getParsedDoc, putDoc } from '../storage/documents';
import { versionKey } from './layout';
import { validateModelName, validateVersionNumber } from './names';
import { listAliases } from './read';
import { modelVersionDocument, NotFoundError, RegistryError, type ModelVersion, type ArtifactStore } from './types';

export async function deleteVersion(s: ArtifactStore, name: string, version: number): Promise<ModelVersion> {
  const key = versionKey(s, validateModelName(name), validateVersionNumber(version));
  const holders = (await listAliases(s, name)).filter((a) => a.version === version).map((a) => a.alias);
  if (holders.length > 0)
    throw new RegistryError(`version ${version} of ${name} is named by alias ${holders.join(', ')}: move the alias first`);
  for (;;) {
    const doc = await getParsedDoc(s, key, modelVersionDocument);
    if (!doc) throw new NotFoundError(`model ${name} has no version ${version}`);
    if (doc.value.deletedAt !== undefined) return doc.value;
    const next: ModelVersion = { ...doc.value, deletedAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    if ((await putDoc(s, key, next, { ifMatch: doc.etag })) !== 'conflict') return next;
  }
}
