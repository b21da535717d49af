/**
 * The lookback `window` param of the ML DAGs: read [data interval end − lookback, data interval
 * end) instead of the run's interval alone, e.g. "the 90 days before the logical date". Only the
 * daily partitions in the window are listed and read (`dt=YYYY-MM-DD/` folders, or a {{ds}}
 * segment of the source); a timestampColumn cuts rows to the window exactly. Each run (a
 * backfilled one too) gets the window of its own data interval. Checked at trigger time.
 */
import { z } from 'zod';
import { throwsAsIssue } from '../../core/zod-refine';
import { parseDuration } from '../../ml/frame/relative-time';

const durationText = z.string().superRefine(throwsAsIssue(parseDuration));

export const windowParam = z
  .object({
    /** '90 days', '36 hours', '2 weeks'. */
    lookback: durationText,
    /** The Hive partition key of a folder source's children (`dt=2024-01-31/`). */
    partition: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a partition key is a name like dt or date')
      .default('dt'),
  })
  .strict();
