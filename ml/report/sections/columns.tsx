/**
 * Per-column statistics: a compact summary table and a grid of small multiples (one card per
 * column with a histogram for numeric/timestamp columns or top-value bars for categorical ones).
 * At most MAX_COLUMNS columns are shown; the rest are counted and named briefly.
 */
import type { JSX } from 'preact';
import { Bars, Histogram, histogramProblem } from '../charts/small';
import { Badge, Code, joined, Muted, Note, Omitted, Table } from '../components';
import { clip } from '../escape';
import { fmtCount, fmtDuration, fmtNum, fmtPct, fmtTimestamp } from '../format';
import type { ReportAnomaly, ReportColumn } from '../types';

export const MAX_COLUMNS = 50;
export const MAX_TOP_VALUES = 20;

/** Value formatter for a column's statistics: timestamps as dates, the rest as numbers. */
const valueFmt = (c: ReportColumn): ((x: number | undefined) => string) => (c.type === 'timestamp' ? fmtTimestamp : fmtNum);
const spreadFmt = (c: ReportColumn): ((x: number | undefined) => string) => (c.type === 'timestamp' ? fmtDuration : fmtNum);

function missingCell(c: ReportColumn): { content: JSX.Element; cls?: string } {
  const f = c.missingFraction;
  const cls = !Number.isFinite(f) ? undefined : f >= 0.5 ? 'bad' : f > 0 ? 'warn' : undefined;
  return {
    content: (
      <>
        {fmtCount(c.missing)} <Muted>({fmtPct(f)})</Muted>
      </>
    ),
    ...(cls && { cls }),
  };
}

function SummaryTable({ cols }: { cols: readonly ReportColumn[] }): JSX.Element {
  const rows = cols.map((c) => {
    const v = valueFmt(c);
    return [
      <Code>{c.name}</Code>,
      c.type,
      fmtCount(c.count),
      missingCell(c),
      c.unique === undefined ? '–' : fmtCount(c.unique),
      v(c.mean),
      spreadFmt(c)(c.std),
      v(c.min),
      v(c.max),
    ];
  });
  return (
    <Table
      headers={['column', 'type', 'count', 'missing', 'unique', 'mean', 'std', 'min', 'max']}
      rows={rows}
      numericFrom={2}
      cls="compact"
    />
  );
}

function Distribution({ c }: { c: ReportColumn }): JSX.Element {
  if (c.histogram && (c.type !== 'string' || !c.topValues)) {
    const problem = histogramProblem(c.histogram);
    return problem ? (
      <Note>No histogram: {problem}.</Note>
    ) : (
      <Histogram name={c.name} h={c.histogram} asTimestamp={c.type === 'timestamp'} />
    );
  }
  if (c.topValues && c.topValues.length > 0) {
    const shown = c.topValues.slice(0, MAX_TOP_VALUES);
    const shownSum = shown.reduce((s, t) => s + (Number.isFinite(t.count) ? t.count : 0), 0);
    const rest = c.count - shownSum;
    const more = c.topValues.length > shown.length || (Number.isFinite(rest) && rest > 0);
    return (
      <>
        <Bars name={c.name} items={shown} />
        {more && <p class="note">other values: {fmtCount(Math.max(0, rest))} rows</p>}
      </>
    );
  }
  return <Note>No distribution recorded.</Note>;
}

function Card({ c, anomalies }: { c: ReportColumn; anomalies: readonly ReportAnomaly[] }): JSX.Element {
  const v = valueFmt(c);
  const errs = anomalies.filter((a) => a.severity === 'error').length;
  const warns = anomalies.length - errs;
  const q = c.quantiles ? Object.entries(c.quantiles) : [];
  return (
    <div class="card">
      <h3 title={c.name}>
        {clip(c.name, 40)} <Badge label={c.type} cls="b-type" />
        {errs > 0 && <Badge label={`${errs} error${errs > 1 ? 's' : ''}`} cls="b-error" />}
        {warns > 0 && <Badge label={`${warns} warning${warns > 1 ? 's' : ''}`} cls="b-warning" />}
      </h3>
      <p class="muted">
        {fmtCount(c.count)} values · {fmtPct(c.missingFraction)} missing{c.unique !== undefined && ` · ${fmtCount(c.unique)} unique`}
      </p>
      <Distribution c={c} />
      {q.length > 0 && (
        <p class="quantiles">
          {joined(
            q.map(([k, x]) => (
              <span>
                {k} {v(x)}
              </span>
            )),
            ' ',
          )}
        </p>
      )}
    </div>
  );
}

export function ColumnsBlock(p: { columns: readonly ReportColumn[]; anomalies: readonly ReportAnomaly[] }): JSX.Element {
  if (p.columns.length === 0) return <Note>The dataset has no columns.</Note>;
  const shown = p.columns.slice(0, MAX_COLUMNS);
  const hidden = p.columns.slice(MAX_COLUMNS);
  const byColumn = new Map<string, ReportAnomaly[]>();
  for (const a of p.anomalies) if (a.column !== null) byColumn.set(a.column, [...(byColumn.get(a.column) ?? []), a]);
  return (
    <>
      <h3>Columns</h3>
      <SummaryTable cols={shown} />
      {hidden.length > 0 && (
        <Note>
          {fmtCount(hidden.length)} more columns not shown (first {fmtCount(MAX_COLUMNS)} of {fmtCount(p.columns.length)} shown):{' '}
          {joined(hidden.slice(0, 20).map((c) => <Code>{clip(c.name, 40)}</Code>))}
          {hidden.length > 20 ? ', …' : ''}
        </Note>
      )}
      <h3>Distributions</h3>
      <div class="grid">
        {shown.map((c) => (
          <Card c={c} anomalies={byColumn.get(c.name) ?? []} />
        ))}
      </div>
      <Omitted count={hidden.length} what="column charts" />
    </>
  );
}
