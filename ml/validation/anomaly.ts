/** An anomaly: what validation found wrong with one column or the dataset, with examples. */
import { z } from 'zod';
import { severity } from './schema';
export const ANOMALY_KINDS = [
  'too_few_rows',
  'row_count_change',
  'missing_column',
  'new_column',
  'all_missing',
  'type_mismatch',
  'missing_values',
  'non_finite',
  'out_of_range',
  'out_of_domain',
  'not_unique',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const anomalySchema = z.object({
  /** The column concerned; null for dataset-level anomalies (row counts). */
  column: z.string().nullable(),
  kind: z.enum(ANOMALY_KINDS),
  /** 'error' blocks (the validate task fails); 'warning' is reported only. */
  severity,
  message: z.string(),
  /** Numbers and examples behind the message (JSON). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Anomaly = z.infer<typeof anomalySchema>;
