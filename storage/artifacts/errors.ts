/** Errors of the artifact store, by class so activities and the CLI can tell them apart. */
import { ArtifactError, FailureType, InputError } from '../../core/errors';

/** A user-supplied key or prefix that could escape its prefix or confuse tools (traversal, absolute, control characters). */
export class InvalidKeyError extends InputError {
  override name = 'InvalidKeyError';
}

/**
 * Stored bytes no longer match the sha256 (or size) their reference or key records: never use
 * them. Every reader (tasks, the registry, `tideflow artifacts get`) fails with this one error.
 */
export class ArtifactCorruptedError extends ArtifactError {
  override name = 'ArtifactCorruptedError';
  override get type(): string {
    return FailureType.InvalidArtifact;
  }
}

/** Nothing at the referenced key: deleted, or written under another bucket/prefix. */
export class MissingArtifactError extends ArtifactError {
  override name = 'MissingArtifactError';
  override get type(): string {
    return FailureType.MissingArtifact;
  }
}
