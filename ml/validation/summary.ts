/**
 * A readable, multi-line summary of anomalies: the message of a failed validate task and the
 * log line of a passing one. Errors first, then warnings, in detection order; long lists are cut.
 */
import { isBlocking, type Anomaly } from './anomalies';

export interface SummaryOptions {
  /** Anomalies listed before "… and N more" (default 20). */
  maxLines?: number;
  /** Where the full report is, added as the last line. */
  reportUri?: string;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export function summarizeAnomalies(anomalies: readonly Anomaly[], o: SummaryOptions = {}): string {
  const errors = anomalies.filter(isBlocking);
  const warnings = anomalies.filter((a) => !isBlocking(a));
  if (anomalies.length === 0) return `data validation: no anomalies${o.reportUri ? `\nreport: ${o.reportUri}` : ''}`;
  const head = `data validation: ${plural(errors.length, 'blocking anomaly', 'blocking anomalies')}, ${plural(warnings.length, 'warning', 'warnings')}`;
  const max = Math.max(1, o.maxLines ?? 20);
  const ordered = [...errors, ...warnings];
  const lines = ordered.slice(0, max).map((a) => `  ${a.severity === 'error' ? 'ERROR  ' : 'WARNING'} [${a.kind}] ${a.message}`);
  if (ordered.length > max) lines.push(`  … and ${ordered.length - max} more`);
  if (o.reportUri) lines.push(`report: ${o.reportUri}`);
  return [head, ...lines].join('\n');
}
