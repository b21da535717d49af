/**
 * ingest: read the source, parse it with arquero, and store it as this run's raw dataset
 * artifact. The task output is only a reference (uri, rows, columns, sha256): data never
 * travels through workflow history.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TaskContext } from '../context';
import { detectFormat, parseTable } from './lib/parse';
import { readSource } from './source';
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
    const read = await readSource(input.source, s, ctx.signal);
    const format = detectFormat(read.location, read.contentType);
    if (!format) {
      throw ApplicationFailure.nonRetryable(`cannot tell the format of ${read.location}: name it .json, .csv or .tsv`, 'UnsupportedFormat');
    }
    let table: ReturnType<typeof parseTable>;
    try {
      table = parseTable(read.text, format, input.normalizeColumns);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`cannot parse ${read.location} as ${format}: ${err instanceof Error ? err.message : String(err)}`, 'UnparsableSource');
    }
    if (table.rows.length === 0) throw ApplicationFailure.nonRetryable(`${read.location} has no rows`, 'EmptyDataset');
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'datasets/raw.json'), table.rows);
    ctx.log.info('ingested dataset', { source: input.source, rows: table.rows.length, uri: ref.uri });
    return { ...ref, rows: table.rows.length, columns: table.columns, source: input.source, location: read.location, format };
  };
}
