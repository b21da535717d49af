/**
 * Reading stored data back: a dataset's Arrow file decoded into a read-only Frame, and a split's
 * JSON parsed into row indices. The activity downloads and verifies the bytes (I/O, streamed);
 * for large data these run in a thread, whose answer crosses back without a per-row copy on the
 * event loop: numeric columns and split indices on shared or transferred buffers, string
 * columns dictionary-encoded (../frame-transfer.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { ArtifactError } from '../../../../core/errors';
import { frameFromArrow } from '../../../../ml/io/arrow';
import { splitArtifact } from '../../split-artifact';
import { encodeFrame } from '../frame-transfer';
import { frameBytes, readOnlyFrame, type SentFrame } from '../read-only-frame';

export interface DecodeDatasetInput {
  bytes: Uint8Array;
  uri: string;
  /** The row count its reference records. */
  rows: number;
}

/** The frame, read-only and encoded for the trip back (receiveReadOnly rebuilds it), with its size estimate. */
export function decodeDataset(input: DecodeDatasetInput): SentFrame {
  let frame;
  try {
    frame = frameFromArrow(input.bytes);
  } catch (err) {
    throw new ArtifactError(`dataset ${input.uri} is not a readable Arrow file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (frame.rows !== input.rows) throw new ArtifactError(`dataset ${input.uri} has ${frame.rows} rows, its reference says ${input.rows}`);
  const readOnly = readOnlyFrame(frame);
  return { frame: encodeFrame(readOnly), heapBytes: frameBytes(readOnly) };
}

export interface ParseSplitInput {
  bytes: Uint8Array;
  uri: string;
  dataset: { uri: string; rows: number };
}

/** A split's train and test row indices; a split made for another dataset, or naming rows it lacks, is refused. */
export function parseSplitRows(input: ParseSplitInput): { train: Int32Array; test: Int32Array } {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new ArtifactError(`split ${input.uri} is not JSON: ${(err as Error).message}`);
  }
  const s = splitArtifact.parse(doc, input.uri);
  if (s.dataset !== input.dataset.uri)
    throw ApplicationFailure.nonRetryable(`split ${input.uri} was made for ${s.dataset}, not ${input.dataset.uri}`, 'InvalidArtifact');
  const train = Int32Array.from(s.train);
  const test = Int32Array.from(s.test);
  for (const rows of [train, test]) {
    const beyond = rows.find((i) => i >= input.dataset.rows);
    if (beyond !== undefined)
      throw ApplicationFailure.nonRetryable(
        `split ${input.uri} names row ${beyond}; the dataset has ${input.dataset.rows}`,
        'InvalidArtifact',
      );
  }
  return { train, test };
}
