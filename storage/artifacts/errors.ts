/** Errors of the artifact store, by name so activities and the CLI can tell them apart. */

/** A user-supplied key or prefix that could escape its prefix or confuse tools (traversal, absolute, control characters). */
export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError';
}

/** Stored bytes no longer match the sha256 their key was derived from: never use them. */
export class ArtifactCorruptedError extends Error {
  override name = 'ArtifactCorruptedError';
}
