/**
 * The artifact store: one S3 client, bucket and prefix per process; content-addressed and
 * run-scoped writes; every read verified against the sha256 recorded at write time.
 */
export { ArtifactCorruptedError, InvalidKeyError, MissingArtifactError } from './errors';
export { contentKey, digestOfKey, validateKey, validatePrefix } from './keys';
export { putArtifactBytes, putArtifactStream, uploadHashed, type PutOptions, type UploadOptions } from './upload';
export { getJson, putJson, putObject, sha256Hex, type ObjectOptions } from './objects';
export { sweepStaging } from './sweep';
export { readRunManifest, type RunManifest, type TaskManifest } from './manifest';
export { downloadArtifact, openArtifact, readArtifactBytes, type ArtifactLocator } from './download';
export type { ArtifactRef, ArtifactStore, ContentRef, PutResult, TransferOptions } from './types';
