/**
 * Data sections: the dataset overview with per-column statistics, the validation anomalies
 * (errors first), and the train/test split with its boundary (time cutoff, or fraction and seed)
 * and exact row counts.
 */
import type { JSX } from 'preact';
import { Badge, Code, Facts, Muted, Note, Omitted, Section, Table } from '../components';
import { fmtCount, fmtPct } from '../format';
import type { ReportAnomaly, ReportData, ReportSplit } from '../types';
import { ColumnsBlock } from './columns';

export const MAX_ANOMALIES = 200;

export function DataSection({ d, anomalies }: { d: ReportData; anomalies: readonly ReportAnomaly[] }): JSX.Element {
  const cols = Array.isArray(d.columns) ? d.columns : [];
  const types = new Map<string, number>();
  for (const c of cols) types.set(c.type, (types.get(c.type) ?? 0) + 1);
  return (
    <Section id="data" title="Data">
      <Facts
        pairs={[
          ['source', <Code>{d.source}</Code>],
          ['rows', fmtCount(d.rows)],
          ['columns', fmtCount(cols.length)],
          ['types', [...types].map(([t, n]) => `${n} ${t}`).join(', ') || '–'],
        ]}
      />
      <ColumnsBlock columns={cols} anomalies={anomalies} />
    </Section>
  );
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1 };

export function AnomaliesSection({ list }: { list: readonly ReportAnomaly[] }): JSX.Element {
  if (list.length === 0)
    return (
      <Section id="anomalies" title="Anomalies">
        <Note>No anomalies found.</Note>
      </Section>
    );
  const sorted = [...list].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 2) - (SEVERITY_ORDER[b.severity] ?? 2));
  const errors = list.filter((a) => a.severity === 'error').length;
  const warnings = list.length - errors;
  const shown = sorted.slice(0, MAX_ANOMALIES);
  const rows = shown.map((a) => [
    <Badge label={a.severity} cls={a.severity === 'error' ? 'b-error' : 'b-warning'} />,
    a.column === null ? <Muted>(dataset)</Muted> : <Code>{a.column}</Code>,
    a.kind,
    a.message,
  ]);
  return (
    <Section id="anomalies" title="Anomalies">
      <p>
        <Badge label={`${errors} error${errors === 1 ? '' : 's'}`} cls={errors ? 'b-error' : 'b-muted'} />{' '}
        <Badge label={`${warnings} warning${warnings === 1 ? '' : 's'}`} cls={warnings ? 'b-warning' : 'b-muted'} />
      </p>
      <Table
        headers={['severity', 'column', 'kind', 'message']}
        rows={rows}
        rowCls={(i) => (shown[i]?.severity === 'error' ? 'row-error' : undefined)}
      />
      <Omitted count={sorted.length - shown.length} what="anomalies" />
    </Section>
  );
}

/** "a: 1,234 · b: 56" for class counts. */
const classCounts = (c: Record<string, number>): string =>
  Object.entries(c)
    .map(([k, n]) => `${k}: ${fmtCount(n)}`)
    .join(' · ');

/** Where the split cut: the time boundary, or the fraction and the seed of the shuffle. */
function boundaryFacts(s: ReportSplit): [string, JSX.Element | string][] {
  const out: [string, JSX.Element | string][] = [];
  if (s.timeColumn) out.push(['time column', <Code>{s.timeColumn}</Code>]);
  if (s.cutoff) out.push(['cutoff', `${s.cutoff} (test: rows at or after it)`]);
  if (s.boundary) {
    out.push(['last train row', s.boundary.lastTrain]);
    out.push(['first test row', s.boundary.firstTest]);
  }
  if (s.testFraction !== undefined && !s.cutoff) out.push(['test fraction asked', fmtPct(s.testFraction)]);
  if (s.seed !== undefined && s.strategy !== 'time') out.push(['seed', String(s.seed)]);
  return out;
}

export function SplitSection({ s }: { s: ReportSplit }): JSX.Element {
  const total = s.train + s.test;
  const share = (n: number): JSX.Element | null => (total > 0 ? <Muted> ({fmtPct(n / total)})</Muted> : null);
  const width = (n: number): string => `width:${((100 * n) / total).toFixed(2)}%`;
  return (
    <Section id="split" title="Split">
      <Facts
        pairs={[
          ['strategy', s.strategy],
          [
            'train rows',
            <>
              {fmtCount(s.train)}
              {share(s.train)}
            </>,
          ],
          [
            'test rows',
            <>
              {fmtCount(s.test)}
              {share(s.test)}
            </>,
          ],
          s.missingTarget ? ['left out (missing target)', fmtCount(s.missingTarget)] : undefined,
          ...boundaryFacts(s),
        ]}
      />
      {total > 0 && (
        <div class="splitbar" role="img" aria-label={`train ${fmtPct(s.train / total)}, test ${fmtPct(s.test / total)}`}>
          <span class="train" style={width(s.train)}></span>
          <span class="test" style={width(s.test)}></span>
        </div>
      )}
      {s.trainClassCounts && s.testClassCounts && (
        <Note>
          Classes — train: {classCounts(s.trainClassCounts)}; test: {classCounts(s.testClassCounts)}.
        </Note>
      )}
    </Section>
  );
}
