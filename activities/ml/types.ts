/**
 * Shapes shared by the ML activities. Task outputs stay small: data lives in S3 artifacts and
 * travels between tasks as `ArtifactRef`s (uri + size + checksum). Dataset artifacts are
 * `DatasetRef`s (./dataset.ts: Arrow, with rows and schema).
 */

/** An artifact in S3; readers verify `bytes` and `sha256` before trusting it. */
export type { ArtifactRef } from '../../storage/artifacts/types';

export type { Row } from '../../ml/frame/frame';
