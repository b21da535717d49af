/**
 * Data validation (TFDV-like), pure: declared schema (./schema.ts), statistics
 * (./statistics.ts), anomalies (./anomalies.ts), a readable summary (./summary.ts) and schema
 * inference (./infer.ts). The activity that runs it on a dataset artifact is
 * activities/ml/validate-data.ts; docs/data-validation.md is the user's guide.
 */
import type { Frame } from '../frame/frame';
import { detectAnomalies, type Anomaly, type AnomalyOptions } from './anomalies';
import type { DataSchema } from './schema';
import { computeStatistics, type DatasetStatistics } from './statistics';

export * from './anomalies';
export * from './infer';
export * from './schema';
export * from './statistics';
export * from './summary';

export interface Validation {
  statistics: DatasetStatistics;
  anomalies: Anomaly[];
}

/** Statistics of `frame` and its anomalies against `schema`. */
export function validateFrame(frame: Frame, schema: DataSchema, o: AnomalyOptions = {}): Validation {
  const statistics = computeStatistics(frame);
  return { statistics, anomalies: detectAnomalies(frame, statistics, schema, o) };
}
