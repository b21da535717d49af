/**
 * ingest: read the source, parse it with arquero, and store it as this run's raw dataset
 * artifact. The task output is only a reference (uri, rows, columns, sha256): data never
 * travels through workflow history.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TaskContext } from '../context';
import { readTable } from './read-table';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { DatasetRef } from './types';

export interface IngestInput {
  /** npm:<package>/<file>, s3://bucket/key, http(s)://…, file:///… or a local path. */
  source: string;
  /** Rename columns to snake_case ("Beak Length (mm)" → "beak_length_mm"). */
  normalizeColumns: boolean;
}

export interface IngestOutput extends DatasetRef {
  source: string;
  location: string;
  format: string;
}

export function ingestDataset(store: StoreProvider) {
  return async (input: IngestInput, ctx: TaskContext): Promise<IngestOutput> => {
    const s = store();
    const table = await readTable(input.source, s, ctx.signal, input.normalizeColumns);
    if (table.rows.length === 0) throw ApplicationFailure.nonRetryable(`${table.location} has no rows`, 'EmptyDataset');
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'datasets/raw.json'), table.rows);
    ctx.log.info('ingested dataset', { source: input.source, rows: table.rows.length, uri: ref.uri });
    return { ...ref, rows: table.rows.length, columns: table.columns, source: input.source, location: table.location, format: table.format };
  };
}
