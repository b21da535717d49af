/**
 * The report's column cards from validation statistics (lib/validation, TFDV-like): the report
 * draws what validation computed, so there is one statistics implementation (numpy-exact
 * quantiles, numpy.histogram bins) and the report never disagrees with the validation report.
 * Pure; type-only dependency on lib/validation.
 */
import type { ColumnStatistics } from '../validation';
import type { ReportColumn } from './types';

/** One ReportColumn per statistics entry, in order; a column without finite values gets no distribution. */
export function reportColumnsFromStatistics(stats: readonly ColumnStatistics[]): ReportColumn[] {
  return stats.map((c): ReportColumn => {
    const base = { name: c.name, type: c.type, count: c.count, missing: c.missing, missingFraction: c.missingFraction, unique: c.unique };
    if (c.type === 'number' || c.type === 'timestamp') {
      return {
        ...base,
        ...(c.mean !== null && { mean: c.mean }),
        ...(c.std !== null && { std: c.std }),
        ...(c.min !== null && { min: c.min }),
        ...(c.max !== null && { max: c.max }),
        ...(c.quantiles && {
          quantiles: { p5: c.quantiles.p5, p25: c.quantiles.p25, p50: c.quantiles.p50, p75: c.quantiles.p75, p95: c.quantiles.p95 },
        }),
        ...(c.histogram && { histogram: c.histogram }),
      };
    }
    return { ...base, topValues: (c as Exclude<ColumnStatistics, { type: 'number' | 'timestamp' }>).topValues };
  });
}
