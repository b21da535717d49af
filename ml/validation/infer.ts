/**
 * inferSchema: a starting schema from statistics, as TFDV's infer_schema does, for a user to
 * review and commit (then tighten: ranges, uniqueness, limits):
 *  - every column is declared with its observed type and required;
 *  - nullable: false when the column had no missing value (TFDV: presence min_fraction 1),
 *    otherwise nullable with no limit;
 *  - string columns with at most `maxCategories` distinct values (default 100, like TFDV's
 *    max_string_domain_size) and not all distinct get their observed values as categories;
 *  - no min/max and no uniqueness: one sample says too little about those;
 *  - minRows 1, newColumns 'warning'.
 */
import { parseDataSchema, type ColumnSpec, type DataSchema } from './schema';
import { DOMAIN_LIMIT, type ColumnStatistics, type DatasetStatistics } from './statistics';

export interface InferOptions {
  /** Largest domain a string column may have to get categories (≤ 100: statistics keep no more). */
  maxCategories?: number;
}

function inferColumn(st: ColumnStatistics, rows: number, maxCategories: number): Record<string, unknown> {
  const spec: Partial<ColumnSpec> = { type: st.type, required: true, nullable: !(st.missing === 0 && rows > 0) };
  if (st.type === 'string' && st.domain && st.count > 0 && st.unique <= maxCategories && st.unique < st.count) {
    spec.categories = st.domain.map((d) => d.value).sort();
  }
  return spec;
}

export function inferSchema(stats: DatasetStatistics, o: InferOptions = {}): DataSchema {
  const maxCategories = Math.min(o.maxCategories ?? DOMAIN_LIMIT, DOMAIN_LIMIT);
  const columns = Object.fromEntries(stats.columns.map((st) => [st.name, inferColumn(st, stats.rows, maxCategories)]));
  return parseDataSchema({ columns, minRows: 1, newColumns: 'warning' });
}
