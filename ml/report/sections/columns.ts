/**
 * Per-column statistics: a compact summary table and a grid of small multiples (one card per
 * column with a histogram for numeric/timestamp columns or top-value bars for categorical ones).
 * At most MAX_COLUMNS columns are shown; the rest are counted and named briefly.
 */
import { barsSvg, histogramProblem, histogramSvg } from '../charts';
import { clip, esc } from '../escape';
import { fmtCount, fmtDuration, fmtNum, fmtPct, fmtTimestamp } from '../format';
import type { ReportAnomaly, ReportColumn } from '../types';
import { badge, code, note, omitted, table } from './html';

export const MAX_COLUMNS = 50;
export const MAX_TOP_VALUES = 20;

/** Value formatter for a column's statistics: timestamps as dates, the rest as numbers. */
const valueFmt = (c: ReportColumn): ((x: number | undefined) => string) => (c.type === 'timestamp' ? fmtTimestamp : fmtNum);
const spreadFmt = (c: ReportColumn): ((x: number | undefined) => string) => (c.type === 'timestamp' ? fmtDuration : fmtNum);

function missingCell(c: ReportColumn): { html: string; cls?: string } {
  const f = c.missingFraction;
  const cls = !Number.isFinite(f) ? undefined : f >= 0.5 ? 'bad' : f > 0 ? 'warn' : undefined;
  return { html: `${esc(fmtCount(c.missing))} <span class="muted">(${esc(fmtPct(f))})</span>`, ...(cls && { cls }) };
}

function summaryTable(cols: readonly ReportColumn[]): string {
  const rows = cols.map((c) => {
    const v = valueFmt(c);
    return [
      code(c.name),
      esc(c.type),
      esc(fmtCount(c.count)),
      missingCell(c),
      esc(c.unique === undefined ? '–' : fmtCount(c.unique)),
      esc(v(c.mean)),
      esc(spreadFmt(c)(c.std)),
      esc(v(c.min)),
      esc(v(c.max)),
    ];
  });
  return table(['column', 'type', 'count', 'missing', 'unique', 'mean', 'std', 'min', 'max'], rows, { numericFrom: 2, cls: 'compact' });
}

function distribution(c: ReportColumn): string {
  if (c.histogram && (c.type !== 'string' || !c.topValues)) {
    const problem = histogramProblem(c.histogram);
    return problem ? note(`No histogram: ${esc(problem)}.`) : histogramSvg(c.name, c.histogram, c.type === 'timestamp');
  }
  if (c.topValues && c.topValues.length > 0) {
    const shown = c.topValues.slice(0, MAX_TOP_VALUES);
    const shownSum = shown.reduce((s, t) => s + (Number.isFinite(t.count) ? t.count : 0), 0);
    const rest = c.count - shownSum;
    const more = c.topValues.length > shown.length || (Number.isFinite(rest) && rest > 0);
    return barsSvg(c.name, shown) + (more ? `<p class="note">other values: ${esc(fmtCount(Math.max(0, rest)))} rows</p>` : '');
  }
  return note('No distribution recorded.');
}

function card(c: ReportColumn, anomalies: readonly ReportAnomaly[]): string {
  const v = valueFmt(c);
  const errs = anomalies.filter((a) => a.severity === 'error').length;
  const warns = anomalies.length - errs;
  const flags =
    (errs ? badge(`${errs} error${errs > 1 ? 's' : ''}`, 'b-error') : '') +
    (warns ? badge(`${warns} warning${warns > 1 ? 's' : ''}`, 'b-warning') : '');
  const q = c.quantiles ? Object.entries(c.quantiles) : [];
  const quantiles = q.length ? `<p class="quantiles">${q.map(([k, x]) => `<span>${esc(k)} ${esc(v(x))}</span>`).join(' ')}</p>` : '';
  const title = `<h3 title="${esc(c.name)}">${esc(clip(c.name, 40))} ${badge(c.type, 'b-type')}${flags}</h3>`;
  const stats = `<p class="muted">${esc(fmtCount(c.count))} values · ${esc(fmtPct(c.missingFraction))} missing${c.unique !== undefined ? ` · ${esc(fmtCount(c.unique))} unique` : ''}</p>`;
  return `<div class="card">${title}${stats}${distribution(c)}${quantiles}</div>`;
}

export function columnsBlock(columns: readonly ReportColumn[], anomalies: readonly ReportAnomaly[]): string {
  if (columns.length === 0) return note('The dataset has no columns.');
  const shown = columns.slice(0, MAX_COLUMNS);
  const hidden = columns.slice(MAX_COLUMNS);
  const byColumn = new Map<string, ReportAnomaly[]>();
  for (const a of anomalies) if (a.column !== null) byColumn.set(a.column, [...(byColumn.get(a.column) ?? []), a]);
  const hiddenNames = hidden.length
    ? note(
        `${esc(fmtCount(hidden.length))} more columns not shown (first ${fmtCount(MAX_COLUMNS)} of ${fmtCount(columns.length)} shown): ${hidden
          .slice(0, 20)
          .map((c) => code(clip(c.name, 40)))
          .join(', ')}${hidden.length > 20 ? ', …' : ''}`,
      )
    : '';
  return (
    `<h3>Columns</h3>${summaryTable(shown)}${hiddenNames}` +
    `<h3>Distributions</h3><div class="grid">${shown.map((c) => card(c, byColumn.get(c.name) ?? [])).join('')}</div>${hidden.length ? omitted(hidden.length, 'column charts') : ''}`
  );
}
