/**
 * Read a tabular source into rows: fetch its bytes (./source.ts), tell its format from the name
 * or Content-Type, parse it. Shared by ingest and the drift monitor. Bad input fails at once,
 * non-retryable, naming the file.
 */
import { ApplicationFailure } from '@temporalio/common';
import { detectFormat, parseSource, TABLE_FORMATS, type ParsedTable, type TableFormat } from '../../ml/io/parse';
import { readSource } from './source';
import type { ArtifactStore } from './store';

export interface ReadTable extends ParsedTable {
  location: string;
  format: TableFormat;
}

export async function readTable(source: string, store: ArtifactStore, signal: AbortSignal, normalizeColumns: boolean): Promise<ReadTable> {
  const read = await readSource(source, store, signal);
  const format = formatOf(read.location, read.contentType);
  try {
    return { ...(await parseSource(read.bytes, format, normalizeColumns)), location: read.location, format };
  } catch (err) {
    throw unparsable(read.location, format, err);
  }
}

function formatOf(location: string, contentType: string | undefined): TableFormat {
  const format = detectFormat(location, contentType);
  if (!format) {
    throw ApplicationFailure.nonRetryable(
      `cannot tell the format of ${location}: name it .${TABLE_FORMATS.join(', .')} or serve a matching Content-Type`,
      'UnsupportedFormat',
    );
  }
  return format;
}

const unparsable = (location: string, format: TableFormat, err: unknown): ApplicationFailure =>
  ApplicationFailure.nonRetryable(
    `cannot parse ${location} as ${format}: ${err instanceof Error ? err.message : String(err)}`,
    'UnparsableSource',
  );

/** A source file's bytes and format, for parsing elsewhere (ingest parses in a worker thread). */
export async function readSourceFile(
  source: string,
  store: ArtifactStore,
  signal: AbortSignal,
): Promise<{ location: string; format: TableFormat; bytes: Uint8Array }> {
  const read = await readSource(source, store, signal);
  return { location: read.location, format: formatOf(read.location, read.contentType), bytes: read.bytes };
}
