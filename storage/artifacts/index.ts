/** The content-addressed artifact store: sha256-derived keys, dedupe, verify-on-read, streaming. */
export { ArtifactCorruptedError, InvalidKeyError } from './errors';
export { contentKey, digestOfKey, validateKey, validatePrefix } from './keys';
export { putArtifactBytes, putArtifactStream, uploadHashed, type PutOptions, type UploadOptions } from './upload';
export { sweepStaging } from './sweep';
export { readRunManifest, type RunManifest, type TaskManifest } from './manifest';
export { downloadArtifact, openArtifact, readArtifactBytes, type ArtifactLocator } from './download';
export type { ContentRef, ContentStore, PutResult, TransferOptions } from './types';
