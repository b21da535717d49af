/**
 * Read a tabular source into rows: fetch its bytes (./source.ts), tell its format from the name
 * or Content-Type, parse it. Shared by ingest and the drift monitor. Bad input fails at once,
 * non-retryable, naming the file.
 */
import { ApplicationFailure } from '@temporalio/common';
import { detectFormat, parseSource, TABLE_FORMATS, type ParsedTable, type TableFormat } from './lib/parse';
import { readSource } from './source';
import type { ArtifactStore } from './store';

export interface ReadTable extends ParsedTable {
  location: string;
  format: TableFormat;
}

export async function readTable(source: string, store: ArtifactStore, signal: AbortSignal, normalizeColumns: boolean): Promise<ReadTable> {
  const read = await readSource(source, store, signal);
  const format = detectFormat(read.location, read.contentType);
  if (!format) {
    throw ApplicationFailure.nonRetryable(
      `cannot tell the format of ${read.location}: name it .${TABLE_FORMATS.join(', .')} or serve a matching Content-Type`,
      'UnsupportedFormat',
    );
  }
  try {
    return { ...(await parseSource(read.bytes, format, normalizeColumns)), location: read.location, format };
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`cannot parse ${read.location} as ${format}: ${err instanceof Error ? err.message : String(err)}`, 'UnparsableSource');
  }
}
