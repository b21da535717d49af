/**
 * Read one day partition of a model's prediction log as drift_monitor's production window: list
 * `predictions/<model>/dt=<day>/`, read every log file and the labels file joined to it, and hand
 * them to ml/drift/log-window.ts (version choice, label join). A partition with no log file, or
 * whose files hold no row, fails the task non-retryably naming the prefix it read (a retry would
 * find the same nothing); a file that is not Arrow fails naming the file. S3 errors stay retryable.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { InputError } from '../../core/errors';
import { logWindow, type LogFile, type LogWindow, type WindowVersion } from '../../ml/drift/log-window';
import type { Frame } from '../../ml/frame/frame';
import { frameFromArrow } from '../../ml/io/arrow';
import { isLogFile, labelsKeyFor, partitionOf } from '../../ml/predict/log-layout';
import { listKeys } from '../../storage/documents';
import type { ArtifactStore } from '../ml/store';
import { mapLimited } from '../../storage/map-limited';

/** drift_monitor's `currentSource` when it is a prediction log (the DAG fills in `day` from the run's ds). */
export interface PredictionLogSource {
  predictionLog: string;
  /** The partition dt=YYYY-MM-DD (UTC days, as the server writes them). */
  day: string;
  version: WindowVersion;
  /** At most this many rows (a deterministic sample past it, ml/drift/log-window.ts); default unbounded. */
  maxRows?: number;
}

export const isPredictionLogSource = (s: unknown): s is PredictionLogSource =>
  typeof s === 'object' && s !== null && typeof (s as { predictionLog?: unknown }).predictionLog === 'string';

export interface PredictionLogWindow extends LogWindow {
  /** The partition read: s3://bucket/<prefix>predictions/<model>/dt=<day>/ */
  location: string;
  day: string;
}

/** Files read at once: a day of a busy model is many small files (one per flush). */
const READ_CONCURRENCY = 8;

async function readArrow(store: ArtifactStore, key: string): Promise<Frame> {
  const res = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  const bytes = await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  try {
    return frameFromArrow(bytes);
  } catch (err) {
    throw new InputError(`s3://${store.bucket}/${key} is not a readable Arrow file: ${err instanceof Error ? err.message : String(err)}`, {
      type: 'UnparsableSource',
    });
  }
}

export async function readPredictionLogWindow(store: ArtifactStore, src: PredictionLogSource): Promise<PredictionLogWindow> {
  const prefix = partitionOf(store.prefix, src.predictionLog, src.day);
  const location = `s3://${store.bucket}/${prefix}`;
  const keys = await listKeys(store, prefix);
  const present = new Set(keys);
  const logKeys = keys.filter(isLogFile);
  const empty = (what: string): InputError =>
    new InputError(
      `no production window for model '${src.predictionLog}' on ${src.day}: ${what} under ${location} ` +
        '(the model answered no request that day, or the server logs to another bucket or prefix: TIDEFLOW_BUCKET, TIDEFLOW_PREFIX, TIDEFLOW_SERVE_LOG)',
      { type: 'EmptyPartition' },
    );
  if (logKeys.length === 0) throw empty(keys.length === 0 ? 'nothing' : `no log file (only ${keys.length} other object(s))`);
  const files = await mapLimited(logKeys, READ_CONCURRENCY, async (key): Promise<LogFile> => {
    const labelsKey = labelsKeyFor(key);
    const [log, labels] = await Promise.all([readArrow(store, key), present.has(labelsKey) ? readArrow(store, labelsKey) : undefined]);
    return { key: `s3://${store.bucket}/${key}`, log, ...(labels && { labels }) };
  });
  if (files.every((f) => f.log.rows === 0)) throw empty(`${files.length} log file(s) with 0 rows`);
  return { ...logWindow(files, src.version, location, src.maxRows), location, day: src.day };
}
