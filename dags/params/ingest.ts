/**
 * The ingest params every ML DAG offers (ml_retrain, batch_predict), and the mlIngest input they
 * make: one declaration, so both DAGs read data the same way.
 */
import { z } from 'zod';
import type { DeriveSpec } from '../../ml/frame/derive';
import type { FilterSpec } from '../../ml/frame/filter';
import { shapingParams } from './shaping';
import { windowParam } from './window';

export const ingestParams = {
  /** npm:<package>/<file>, s3://bucket/key, http(s)://…, file:///… or a path; {{ds}}-style placeholders; '/' at the end = a partition folder. */
  source: z.string().min(1).default('npm:vega-datasets/data/penguins.json'),
  /** Rename source columns to snake_case ("Beak Length (mm)" → "beak_length_mm") before anything else. */
  normalizeColumns: z.boolean().default(true),
  /** Cell values that mean "missing" besides null and blanks; the penguins data uses '.' once. */
  missingValues: z.array(z.string()).default(['NA', '.']),
  /** Keep only rows whose timestamp is in the run's data interval. */
  timestampColumn: z.string().min(1).optional(),
  /** Read the `lookback` before the data interval's end (dags/params/window.ts). */
  window: windowParam.optional(),
  /** derive (new columns) then filter (row predicates), after reading (dags/params/shaping.ts). */
  ...shapingParams,
};

type IngestParams = {
  source: string;
  normalizeColumns: boolean;
  missingValues: string[];
  timestampColumn?: string | undefined;
  window?: { lookback: string; partition: string } | undefined;
  derive?: DeriveSpec | undefined;
  filter?: FilterSpec | undefined;
};

export const ingestInput = (p: IngestParams) => ({
  source: p.source,
  normalizeColumns: p.normalizeColumns,
  missingValues: p.missingValues,
  ...(p.timestampColumn !== undefined && { timestampColumn: p.timestampColumn }),
  ...(p.window !== undefined && { window: p.window }),
  ...(p.derive !== undefined && { derive: p.derive }),
  ...(p.filter !== undefined && { filter: p.filter }),
});
