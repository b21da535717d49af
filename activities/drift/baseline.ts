/**
 * The baseline a production window is compared with: a registry version — the champion, or for a
 * prediction-log window the version that answered it — whose reference profile sample (else its
 * first training-data artifact) is the data-drift reference and whose recorded test metrics are the
 * performance baseline; or `referenceSource` when there is no such version (or `useChampion` is false).
 */
import { ApplicationFailure } from '@temporalio/common';
import { getVersion, getVersionByAlias, NotFoundError, type ModelVersion } from '../../registry';
import { referenceProfile } from '../ml/profile';
import { readTable } from '../ml/read-table';
import { getArtifact, type ArtifactStore } from '../ml/store';
import type { Row } from '../ml/types';

import type { ReferenceInfo } from './report-format';

/** Where the reference came from: `profile`: the version's reference profile sample (else its first training-data artifact). */
export type { ReferenceInfo };

export interface Baseline {
  version: ModelVersion;
  kind: 'champion' | 'version';
}

export async function findChampion(store: ArtifactStore, model: string): Promise<ModelVersion | undefined> {
  try {
    return await getVersionByAlias(store, model, 'champion');
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/** The version that answered a logged window; gone from the registry → a non-retryable error naming it. */
export async function servedVersion(store: ArtifactStore, model: string, version: number, where: string): Promise<ModelVersion> {
  try {
    return await getVersion(store, model, version);
  } catch (err) {
    if (err instanceof NotFoundError)
      throw ApplicationFailure.nonRetryable(
        `${where} was answered by ${model} v${version}, which the registry does not have (deleted?): no baseline to compare with`,
        'NoBaseline',
      );
    throw err;
  }
}

export interface ReferenceInput {
  model: string;
  referenceSource?: string;
  normalizeColumns: boolean;
}

export async function loadReference(
  store: ArtifactStore,
  input: ReferenceInput,
  baseline: Baseline | undefined,
  signal: AbortSignal,
): Promise<{ rows: Row[]; ref: ReferenceInfo }> {
  const v = baseline?.version;
  const kind = baseline?.kind ?? 'champion';
  if (v?.profile) {
    // An ArtifactError (non-retryable) naming the document and the first bad field when it is not one.
    const profile = referenceProfile.parse(await getArtifact(store, v.profile), `profile ${v.profile.uri} of ${input.model} v${v.version}`);
    return { rows: profile.sample, ref: { kind, version: v.version, uri: v.profile.uri, profile: true } };
  }
  const data = v?.trainingData[0];
  if (v && data) {
    const rows = await getArtifact(store, data);
    if (!Array.isArray(rows))
      throw ApplicationFailure.nonRetryable(`training data ${data.uri} of ${input.model} v${v.version} is not a table`, 'BadBaseline');
    return { rows: rows as Row[], ref: { kind, version: v.version, uri: data.uri } };
  }
  if (!input.referenceSource)
    throw ApplicationFailure.nonRetryable(
      v
        ? `${input.model} v${v.version} has no reference profile or training data, and no referenceSource was given`
        : `model ${input.model} has no champion with training data, and no referenceSource was given`,
      'NoBaseline',
    );
  return {
    rows: (await readTable(input.referenceSource, store, signal, input.normalizeColumns)).rows,
    ref: { kind: 'source', source: input.referenceSource },
  };
}
