/** The split artifact, `tideflow.split` version 2: which rows of a dataset are train and which test. One declaration; its type is z.infer. */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';

/** Row indices into the dataset, ascending. */
const indices = z.array(z.number().int().nonnegative());

export const splitArtifact = defineArtifact('tideflow.split', 2, {
  /** The dataset's uri. */
  dataset: z.string(),
  strategy: z.enum(['random', 'stratified', 'time']),
  seed: z.number(),
  testFraction: z.number(),
  /** Time split at a cutoff: the instant (ISO), train < cutoff ≤ test. */
  cutoff: z.string().optional(),
  train: indices,
  test: indices,
});
export type SplitArtifact = ArtifactOf<typeof splitArtifact>;
