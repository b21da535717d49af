/**
 * Threshold analysis for binary models: precision, recall and F1 as the decision threshold moves
 * (a chart of sklearn's precision_recall_curve points) and a table of exact values at round
 * thresholds, so a reader sees what 0.5 costs (a GBT at 0.5 can have 4% recall on a 20% class).
 */
import type { JSX } from 'preact';
import { Chart, type ChartResult } from '../charts/chart';
import { thresholdSpec } from '../charts/specs';
import { Code, Figure, Note, Table } from '../components';
import { fmtCount, fmtNum } from '../format';
import type { ReportThresholds } from '../types';

export const MAX_THRESHOLD_ROWS = 30;

export const thresholdsChartSpec = (t: ReportThresholds): Record<string, unknown> | undefined =>
  Array.isArray(t.curve) && t.curve.length > 0 ? thresholdSpec(t.curve) : undefined;

export function ThresholdsBlock({ t, chart }: { t: ReportThresholds; chart?: ChartResult }): JSX.Element {
  const table = Array.isArray(t.table) ? t.table.slice(0, MAX_THRESHOLD_ROWS) : [];
  const bestF1 = table.reduce((b, r, i) => (Number.isFinite(r.f1) && r.f1 > (table[b]?.f1 ?? -1) ? i : b), -1);
  return (
    <>
      <h3>Precision, recall and F1 by threshold</h3>
      {t.positiveClass !== undefined && (
        <Note>
          Positive class: <Code>{t.positiveClass}</Code>; a row is predicted positive when its probability is ≥ the threshold.
        </Note>
      )}
      {thresholdsChartSpec(t) && (
        <Figure caption="Precision, recall and F1 at each distinct score (sklearn's precision_recall_curve); dashed: 0.5.">
          <Chart chart={chart} what="threshold chart" />
        </Figure>
      )}
      {table.length > 0 ? (
        <Table
          headers={['threshold', 'precision', 'recall', 'F1', 'predicted positive']}
          rows={table.map((r) => [fmtNum(r.threshold), fmtNum(r.precision), fmtNum(r.recall), fmtNum(r.f1), fmtCount(r.predictedPositive)])}
          numericFrom={0}
          cls="compact"
          rowCls={(i) => (i === bestF1 ? 'row-best' : undefined)}
        />
      ) : (
        <Note>No threshold table was recorded.</Note>
      )}
    </>
  );
}
