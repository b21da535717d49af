/** Read the registry: models, versions, aliases. Readers never write. */
import { getParsedDoc, listFolders, listKeys } from '../storage/documents';
import { aliasesDir, aliasKey, modelKey, modelsRoot, versionKey, versionsDir } from './layout';
import { validateAliasName, validateModelName, validateVersionNumber } from './names';
import {
  aliasDocument,
  modelVersionDocument,
  NotFoundError,
  registeredModelDocument,
  type AliasRecord,
  type ModelVersion,
  type RegisteredModel,
  type ArtifactStore,
} from './types';
import { mapLimited } from '../storage/map-limited';

export async function getRegisteredModel(s: ArtifactStore, name: string): Promise<RegisteredModel> {
  const doc = await getParsedDoc(s, modelKey(s, validateModelName(name)), registeredModelDocument);
  if (!doc) throw new NotFoundError(`no registered model named ${JSON.stringify(name)}`);
  return doc.value;
}

export async function listModelNames(s: ArtifactStore): Promise<string[]> {
  return listFolders(s, modelsRoot(s));
}

export async function getVersion(s: ArtifactStore, name: string, version: number): Promise<ModelVersion> {
  const doc = await getParsedDoc(s, versionKey(s, validateModelName(name), validateVersionNumber(version)), modelVersionDocument);
  if (!doc) throw new NotFoundError(`model ${name} has no version ${version}`);
  return doc.value;
}

/** Every version, oldest first (deleted ones included: they keep their number). */
export async function listVersions(s: ArtifactStore, name: string): Promise<ModelVersion[]> {
  const keys = await listKeys(s, versionsDir(s, validateModelName(name)));
  const docs = await mapLimited(keys, 8, (k) => getParsedDoc(s, k, modelVersionDocument));
  return docs.flatMap((d) => (d ? [d.value] : []));
}

export async function getAlias(s: ArtifactStore, name: string, alias: string): Promise<AliasRecord | undefined> {
  return (await getParsedDoc(s, aliasKey(s, validateModelName(name), validateAliasName(alias)), aliasDocument))?.value;
}

export async function listAliases(s: ArtifactStore, name: string): Promise<AliasRecord[]> {
  const keys = await listKeys(s, aliasesDir(s, validateModelName(name)));
  const docs = await mapLimited(keys, 8, (k) => getParsedDoc(s, k, aliasDocument));
  return docs.flatMap((d) => (d ? [d.value] : []));
}

/** The version an alias names (MLflow's get_model_version_by_alias). */
export async function getVersionByAlias(s: ArtifactStore, name: string, alias: string): Promise<ModelVersion> {
  const record = await getAlias(s, name, alias);
  if (!record) throw new NotFoundError(`model ${name} has no alias ${JSON.stringify(alias)}`);
  return getVersion(s, name, record.version);
}

export interface ModelSummary {
  name: string;
  createdAt: string;
  versions: number;
  latest: ModelVersion | undefined;
  aliases: Record<string, number>;
}

export async function summarizeModel(s: ArtifactStore, name: string): Promise<ModelSummary> {
  const [model, versions, aliases] = await Promise.all([getRegisteredModel(s, name), listVersions(s, name), listAliases(s, name)]);
  return {
    name,
    createdAt: model.createdAt,
    versions: versions.length,
    latest: versions[versions.length - 1],
    aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
  };
}
