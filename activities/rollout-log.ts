/**
 * A rollout's answers read back from the model's prediction log (serve/prediction-log.ts writes
 * `predictions/<model>/dt=YYYY-MM-DD/<time>-<uuid>.arrow`, one model version per file, every server
 * process to the same prefix): the rows the stable version and the candidate answered since given
 * instants, newest first, for mlops/rollout-predictions.ts to compare. Only the files written since
 * then are listed (keys start with their first row's time, so a partition lists in time order and
 * the listing starts after `since − FILE_SLACK_MS`); at most MAX_FILES of the newest are read.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { frameFromArrow } from '../ml/io/arrow';
import { categoryAt, type Frame, type FrameColumn } from '../ml/frame/frame';
import { isLogFile, partitionOf } from '../ml/predict/log-layout';
import { MAX_COMPARED_ROWS, type LoggedAnswer } from '../mlops/rollout-predictions';
import type { ArtifactStore } from '../registry';
import { listKeys } from '../storage/documents';

/** A file is named by its first row's time; later rows of the same batch follow within the server's flush delay. */
const FILE_SLACK_MS = 60_000;
const MAX_FILES = 400;
const READ_CONCURRENCY = 8;
const DAY_MS = 86_400_000;
/** Rows per version read at most (agreement pairs; the distributions use the newest MAX_COMPARED_ROWS). */
const MAX_ROWS = 4 * MAX_COMPARED_ROWS;

export interface RolloutAnswers {
  stable: LoggedAnswer[];
  candidate: LoggedAnswer[];
  files: number;
}

export interface AnswersQuery {
  model: string;
  stable: { version: number; since: number };
  candidate: { version: number; since: number };
  now: number;
}

/** `<time>` of a log key: compact ISO as predictionLogKey writes it (20261205T074833123Z). */
const keyTime = (iso: string): string => iso.replace(/[-:]/g, '').replace('.', '');

function fileVersion(frame: Frame): number | undefined {
  const col = frame.columns.find((c) => c.name === 'model_version');
  return col && col.type !== 'string' ? col.values[0] : undefined;
}

function answers(frame: Frame, since: number, into: LoggedAnswer[]): void {
  const col = (name: string): FrameColumn | undefined => frame.columns.find((c) => c.name === name);
  const ids = col('request_id');
  const rowIndex = col('row_index');
  const at = col('scored_at');
  const prediction = col('prediction');
  if (!ids || !rowIndex || !at || !prediction || at.type === 'string') return;
  for (let i = 0; i < frame.rows; i++) {
    if ((at.values[i] ?? -Infinity) < since) continue;
    const key = `${categoryAt(ids, i) ?? ''}\u0000${categoryAt(rowIndex, i) ?? ''}`;
    if (prediction.type === 'string') into.push({ key, label: prediction.values[i] ?? '' });
    else into.push({ key, value: prediction.values[i] ?? NaN });
  }
}

async function readFrame(store: ArtifactStore, key: string): Promise<Frame> {
  const res = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  const bytes = await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  return frameFromArrow(bytes);
}

export async function readRolloutAnswers(store: ArtifactStore, q: AnswersQuery): Promise<RolloutAnswers> {
  const from = Math.min(q.stable.since, q.candidate.since) - FILE_SLACK_MS;
  const keys: string[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= q.now; day += DAY_MS) {
    const partition = partitionOf(store.prefix, q.model, new Date(day).toISOString().slice(0, 10));
    const startAfter = day < from ? `${partition}${keyTime(new Date(from).toISOString())}` : undefined;
    keys.push(...(await listKeys(store, partition, startAfter)).filter(isLogFile));
  }
  const newest = keys.sort().reverse().slice(0, MAX_FILES);
  const frames: { key: string; frame: Frame }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < newest.length) {
      const key = newest[next++] as string;
      try {
        frames.push({ key, frame: await readFrame(store, key) });
      } catch (err) {
        // A file that is not Arrow (or vanished) is skipped: it must not stall the rollout's checks.
        if ((err as { name?: string }).name === 'NoSuchKey' || !(err as { $metadata?: unknown }).$metadata) continue;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, newest.length) }, worker));
  frames.sort((a, b) => (a.key < b.key ? 1 : -1));
  const out: RolloutAnswers = { stable: [], candidate: [], files: frames.length };
  for (const { frame } of frames) {
    const v = fileVersion(frame);
    if (v === q.stable.version && out.stable.length < MAX_ROWS) answers(frame, q.stable.since, out.stable);
    else if (v === q.candidate.version && out.candidate.length < MAX_ROWS) answers(frame, q.candidate.since, out.candidate);
  }
  return out;
}
