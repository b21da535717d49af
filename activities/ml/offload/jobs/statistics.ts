/**
 * Whole-dataset statistics of the steps around training, each O(rows) over every column:
 * validate's statistics and anomalies (ml/validation) and register's reference profile of the
 * training data (../../profile.ts). The activities read the dataset and write the result.
 */
import type { Frame } from '../../../../ml/frame/frame';
import { validateFrame, type DataSchema, type Validation } from '../../../../ml/validation';
import { buildFrameProfile, type ReferenceProfile } from '../../profile';

export interface ValidateDatasetInput {
  frame: Frame;
  schema: DataSchema;
  previousRowCount: number | null;
}

export function validateDataset(input: ValidateDatasetInput, progress: (details: unknown) => void): Validation {
  progress({ phase: 'statistics', rows: input.frame.rows });
  return validateFrame(input.frame, input.schema, { previousRowCount: input.previousRowCount });
}

/**
 * The profile comes back as its JSON bytes (transferred, not cloned): with many categories its
 * object form costs the event loop a structured-clone read and a JSON.stringify of several MB.
 */
export function profileDataset(input: { frame: Frame }, progress: (details: unknown) => void): { json: Uint8Array } {
  progress({ phase: 'profile', rows: input.frame.rows });
  const profile: ReferenceProfile = buildFrameProfile(input.frame);
  return { json: new TextEncoder().encode(JSON.stringify(profile)) };
}
