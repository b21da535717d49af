/**
 * Feature importances: the model's own (split gain for gradient boosting, or split counts for
 * models saved without gains; |coefficient| × feature std for linear models, i.e. the coefficient
 * the model would have on standardized features) and permutation importance on the test set (the
 * drop of the main metric when one input column is shuffled). Top MAX_FEATURES of each.
 */
import type { JSX } from 'preact';
import { Chart, type ChartResult } from '../charts/chart';
import { importanceSpec } from '../charts/specs';
import { Code, Figure, Note, Table } from '../components';
import { fmtCount, fmtNum } from '../format';
import type { ReportFeatureScore, ReportImportance } from '../types';

export const MAX_FEATURES = 25;

export interface ImportanceCharts {
  modelImportance?: ChartResult;
  permutationImportance?: ChartResult;
}

const METHOD: Record<NonNullable<ReportImportance['model']>['method'], string> = {
  gain: 'total split gain (loss reduction) per feature, as a share of all gain',
  split_count: 'number of splits per feature, as a share of all splits (the model recorded no split gains)',
  abs_coefficient: '|coefficient| × the feature’s standard deviation: the coefficient on standardized features',
};

const top = (f: readonly ReportFeatureScore[]): ReportFeatureScore[] =>
  [...(Array.isArray(f) ? f : [])]
    .sort((a, b) => (Number.isFinite(b.value) ? b.value : -Infinity) - (Number.isFinite(a.value) ? a.value : -Infinity))
    .slice(0, MAX_FEATURES);

export function importanceChartSpecs(imp: ReportImportance): Partial<Record<keyof ImportanceCharts, Record<string, unknown>>> {
  const out: Partial<Record<keyof ImportanceCharts, Record<string, unknown>>> = {};
  if (imp.model && top(imp.model.features).length) out.modelImportance = importanceSpec('importance', top(imp.model.features));
  if (imp.permutation && top(imp.permutation.features).length)
    out.permutationImportance = importanceSpec(`drop in ${imp.permutation.metric}`, top(imp.permutation.features));
  return out;
}

function More({ n }: { n: number }): JSX.Element | null {
  return n > MAX_FEATURES ? (
    <Note>
      The top {MAX_FEATURES} of {fmtCount(n)} features are shown.
    </Note>
  ) : null;
}

export function ImportanceBlock({ imp, charts }: { imp: ReportImportance; charts: ImportanceCharts }): JSX.Element {
  const m = imp.model;
  const p = imp.permutation;
  return (
    <>
      {m && (
        <>
          <h3>Feature importance (model)</h3>
          <Note>
            {METHOD[m.method] ?? m.method}
            {m.note ? ` — ${m.note}` : ''}.
          </Note>
          <Figure>
            <Chart chart={charts.modelImportance} what="importance chart" />
          </Figure>
          <More n={m.features.length} />
        </>
      )}
      {p && (
        <>
          <h3>Permutation importance (test set)</h3>
          <Note>
            Drop of <Code>{p.metric}</Code> when one input column is shuffled: mean ± std over {p.nRepeats} shuffles of {fmtCount(p.rows)}{' '}
            test rows (seed {p.seed}).
          </Note>
          <Figure>
            <Chart chart={charts.permutationImportance} what="permutation importance chart" />
          </Figure>
          <Table
            headers={['feature', `mean drop in ${p.metric}`, 'std']}
            rows={top(p.features).map((f) => [<Code>{f.name}</Code>, fmtNum(f.value), f.std === undefined ? '–' : fmtNum(f.std)])}
            numericFrom={1}
            cls="compact"
          />
          <More n={p.features.length} />
        </>
      )}
    </>
  );
}
