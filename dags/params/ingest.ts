/**
 * The ingest params every ML DAG offers (ml_retrain, batch_predict), and the mlIngest input they
 * make: one declaration, so both DAGs read data the same way.
 */
import { z } from 'zod';

export const ingestParams = {
  /** npm:<package>/<file>, s3://bucket/key, http(s)://…, file:///… or a path; {{ds}}-style placeholders; '/' at the end = a partition folder. */
  source: z.string().min(1).default('npm:vega-datasets/data/penguins.json'),
  /** Rename source columns to snake_case ("Beak Length (mm)" → "beak_length_mm") before anything else. */
  normalizeColumns: z.boolean().default(true),
  /** Cell values that mean "missing" besides null and blanks; the penguins data uses '.' once. */
  missingValues: z.array(z.string()).default(['NA', '.']),
  /** Keep only rows whose timestamp is in the run's data interval. */
  timestampColumn: z.string().min(1).optional(),
};

type IngestParams = { source: string; normalizeColumns: boolean; missingValues: string[]; timestampColumn?: string | undefined };

export const ingestInput = (p: IngestParams) => ({
  source: p.source,
  normalizeColumns: p.normalizeColumns,
  missingValues: p.missingValues,
  ...(p.timestampColumn !== undefined && { timestampColumn: p.timestampColumn }),
});
