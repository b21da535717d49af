/**
 * Data sections: the dataset overview with per-column statistics, the validation anomalies
 * (errors first), and the train/test split.
 */
import { esc } from '../escape';
import { fmtCount, fmtPct } from '../format';
import type { ReportAnomaly, ReportData, ReportSplit } from '../types';
import { columnsBlock } from './columns';
import { badge, code, facts, note, omitted, section, table } from './html';

export const MAX_ANOMALIES = 200;

export function dataSection(d: ReportData, anomalies: readonly ReportAnomaly[]): string {
  const cols = Array.isArray(d.columns) ? d.columns : [];
  const types = new Map<string, number>();
  for (const c of cols) types.set(c.type, (types.get(c.type) ?? 0) + 1);
  const overview = facts([
    ['source', code(d.source)],
    ['rows', esc(fmtCount(d.rows))],
    ['columns', esc(fmtCount(cols.length))],
    ['types', esc([...types].map(([t, n]) => `${n} ${t}`).join(', ') || '–')],
  ]);
  return section('data', 'Data', overview + columnsBlock(cols, anomalies));
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1 };

export function anomaliesSection(list: readonly ReportAnomaly[]): string {
  if (list.length === 0) return section('anomalies', 'Anomalies', note('No anomalies found.'));
  const sorted = [...list].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 2) - (SEVERITY_ORDER[b.severity] ?? 2));
  const errors = list.filter((a) => a.severity === 'error').length;
  const summary = `<p>${badge(`${errors} error${errors === 1 ? '' : 's'}`, errors ? 'b-error' : 'b-muted')} ${badge(`${list.length - errors} warning${list.length - errors === 1 ? '' : 's'}`, list.length - errors ? 'b-warning' : 'b-muted')}</p>`;
  const shown = sorted.slice(0, MAX_ANOMALIES);
  const rows = shown.map((a) => [
    badge(a.severity, a.severity === 'error' ? 'b-error' : 'b-warning'),
    a.column === null ? '<span class="muted">(dataset)</span>' : code(a.column),
    esc(a.kind),
    esc(a.message),
  ]);
  return section(
    'anomalies',
    'Anomalies',
    summary +
      table(['severity', 'column', 'kind', 'message'], rows, {
        rowCls: (i) => (shown[i]?.severity === 'error' ? 'row-error' : undefined),
      }) +
      omitted(sorted.length - shown.length, 'anomalies'),
  );
}

export function splitSection(s: ReportSplit): string {
  const total = s.train + s.test;
  const share = (n: number): string => (total > 0 ? ` <span class="muted">(${esc(fmtPct(n / total))})</span>` : '');
  const bar =
    total > 0
      ? `<div class="splitbar" role="img" aria-label="train ${esc(fmtPct(s.train / total))}, test ${esc(fmtPct(s.test / total))}"><span class="train" style="width:${((100 * s.train) / total).toFixed(2)}%"></span><span class="test" style="width:${((100 * s.test) / total).toFixed(2)}%"></span></div>`
      : '';
  return section(
    'split',
    'Split',
    facts([
      ['strategy', esc(s.strategy)],
      ['train rows', esc(fmtCount(s.train)) + share(s.train)],
      ['test rows', esc(fmtCount(s.test)) + share(s.test)],
    ]) + bar,
  );
}
