/**
 * Read a tabular source into rows: fetch its bytes (./source.ts), tell its format from the name
 * or Content-Type, parse it. Shared by ingest and the drift monitor. Bad input fails at once,
 * non-retryable, naming the file.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Frame } from '../../ml/frame/frame';
import {
  detectFormat,
  parseSource,
  parseSourceFrame,
  TABLE_FORMATS,
  type FrameParseOptions,
  type ParsedTable,
  type TableFormat,
} from '../../ml/io/parse';
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

export interface ReadFrame {
  frame: Frame;
  location: string;
  format: TableFormat;
}

/** As `readTable`, into a typed Frame: what ingest stores as the run's dataset artifact. */
export async function readFrame(source: string, store: ArtifactStore, signal: AbortSignal, o: FrameParseOptions): Promise<ReadFrame> {
  const read = await readSource(source, store, signal);
  const format = formatOf(read.location, read.contentType);
  try {
    return { frame: await parseSourceFrame(read.bytes, format, o), location: read.location, format };
  } catch (err) {
    throw unparsable(read.location, format, err);
  }
}
