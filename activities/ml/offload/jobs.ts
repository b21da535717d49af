/**
 * The computations an ML activity hands to a worker thread, by name. Each is a pure function of
 * its (structured-cloneable) input plus a progress sink; the activity does the I/O around it.
 */
import { decodeDataset, parseSplitRows } from './jobs/dataset';
import { evaluateModels } from './jobs/evaluate';
import { scoreBatch } from './jobs/predict';
import { ingestShape } from './jobs/ingest';
import { splitDataset } from './jobs/split';
import { renderReport } from './jobs/report';
import { profileDataset, validateDataset } from './jobs/statistics';
import { fitModel } from './jobs/train';
import { crossValidateTrial } from './jobs/tune';
import { echoFrame, sleepBusy } from './jobs/test-support';

export const JOBS = {
  decodeDataset,
  parseSplitRows,
  splitDataset,
  validateDataset,
  profileDataset,
  ingestShape,
  crossValidateTrial,
  fitModel,
  evaluateModels,
  scoreBatch,
  renderReport,
  sleepBusy,
  echoFrame,
} as const;

export type JobName = keyof typeof JOBS;
export type JobInput<K extends JobName> = Parameters<(typeof JOBS)[K]>[0];
export type JobOutput<K extends JobName> = Awaited<ReturnType<(typeof JOBS)[K]>>;
