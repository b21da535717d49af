/** The model registry on S3: versions never reused, aliases moved atomically, lineage. */
export { deleteVersion } from './delete';
export { attachExport, EXPORT_FORMATS, type ExportFormat } from './exports';
export { promoteVersion, rollbackAlias, type MoveRequest, type MoveResult, type PromoteRequest } from './aliases';
export { lineageOfDataset, lineageOfVersion, type DatasetLineage, type VersionLineage } from './lineage';
export { validateAliasName, validateModelName } from './names';
export {
  getAlias,
  getRegisteredModel,
  getVersion,
  getVersionByAlias,
  listAliases,
  listModelNames,
  listVersions,
  summarizeModel,
  type ModelSummary,
} from './read';
export { latestVersionNumber, registerModelVersion, type RegisterRequest } from './register';
export * from './types';
