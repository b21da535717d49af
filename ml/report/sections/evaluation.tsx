/**
 * Evaluation section: the candidate's test metrics next to the champion's (deltas coloured by
 * each metric's direction; counts exact), the confusion matrix with per-class precision/recall,
 * the ROC curve with the champion's overlaid, the threshold analysis and the feature importances.
 */
import type { JSX } from 'preact';
import { Chart, type ChartResult } from '../charts/chart';
import { ConfusionChart, confusionProblem, MAX_CONFUSION_CLASSES } from '../charts/confusion';
import { rocProblem } from '../charts/curves';
import { rocSpec, type NamedCurve } from '../charts/specs';
import { Code, Facts, Figure, joined, Muted, Note, Section, Table, type Cell } from '../components';
import { fmtCount, fmtDelta, fmtNum, higherIsBetter } from '../format';
import type { ReportEvaluation } from '../types';
import { ImportanceBlock, type ImportanceCharts } from './importance';
import { ThresholdsBlock } from './thresholds';

export type Verdict = 'better' | 'worse' | 'same' | 'unknown';

/** Is the candidate's value better than the champion's for this metric? */
export function compareMetric(metric: string, candidate: number | undefined, champion: number | undefined): Verdict {
  if (candidate === undefined || champion === undefined || !Number.isFinite(candidate) || !Number.isFinite(champion)) return 'unknown';
  if (candidate === champion) return 'same';
  return candidate > champion === higherIsBetter(metric) ? 'better' : 'worse';
}

/** Metrics that count rows: shown exactly (1,477,911), with no direction and no verdict. */
export const COUNT_METRICS: ReadonlySet<string> = new Set(['n', 'rows', 'support', 'n_samples']);
const fmtMetric = (m: string, v: number | undefined): string => (COUNT_METRICS.has(m) ? fmtCount(v) : fmtNum(v));

const ARROWS: Record<Verdict, string> = { better: '▲ better', worse: '▼ worse', same: '= same', unknown: '' };

function MetricsTable({ e }: { e: ReportEvaluation }): JSX.Element {
  const cand = e.metrics ?? {};
  const champ = e.champion;
  const names = [...Object.keys(cand), ...Object.keys(champ?.metrics ?? {}).filter((k) => !(k in cand))];
  if (names.length === 0) return <Note>No metrics were computed.</Note>;
  const label = (m: string): JSX.Element => (
    <>
      <Code>{m}</Code>
      {COUNT_METRICS.has(m) ? (
        <Muted> (rows)</Muted>
      ) : (
        <>
          {' '}
          <Muted>{higherIsBetter(m) ? '↑' : '↓'}</Muted>
        </>
      )}
    </>
  );
  if (!champ) return <Table headers={['metric', 'candidate']} rows={names.map((m) => [label(m), fmtMetric(m, cand[m])])} numericFrom={1} />;
  const rows = names.map((m): Cell[] => {
    const [a, b] = [cand[m], champ.metrics[m]];
    if (COUNT_METRICS.has(m)) return [label(m), fmtCount(a), fmtCount(b), '', ''];
    const v = compareMetric(m, a, b);
    const delta = a !== undefined && b !== undefined ? fmtDelta(a - b) : '–';
    return [label(m), fmtNum(a), fmtNum(b), { content: delta, cls: v }, { content: ARROWS[v], cls: v }];
  });
  return (
    <>
      <Table
        headers={['metric', 'candidate', `champion v${fmtCount(champ.version)}`, 'Δ (candidate − champion)', '']}
        rows={rows}
        numericFrom={1}
      />
      <Note>↑ higher is better, ↓ lower is better; green: the candidate is better, red: worse.</Note>
    </>
  );
}

function PerClassTable({ classes, m }: { classes: readonly string[]; m: readonly (readonly number[])[] }): JSX.Element {
  const n = Math.min(m.length, MAX_CONFUSION_CLASSES);
  const rows = Array.from({ length: n }, (_, i) => {
    const row = m[i] ?? [];
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = m.reduce((s, r) => s + (r[i] ?? 0), 0);
    const tp = row[i] ?? 0;
    const p = predicted > 0 ? tp / predicted : NaN;
    const r = support > 0 ? tp / support : NaN;
    const f1 = p + r > 0 ? (2 * p * r) / (p + r) : NaN;
    const ratio = (x: number): string => (Number.isNaN(x) ? '–' : fmtNum(x));
    return [<Code>{classes[i] ?? `class ${i}`}</Code>, fmtCount(support), fmtCount(predicted), ratio(p), ratio(r), ratio(f1)];
  });
  return (
    <Table headers={['class', 'support (true)', 'predicted', 'precision', 'recall', 'F1']} rows={rows} numericFrom={1} cls="compact" />
  );
}

function ConfusionBlock({ e }: { e: ReportEvaluation }): JSX.Element | null {
  if (!e.confusion) return null;
  const problem = confusionProblem(e.classes, e.confusion);
  if (problem)
    return (
      <>
        <h3>Confusion matrix</h3>
        <Note>Not drawn: {problem}.</Note>
      </>
    );
  const classes = e.classes ?? e.confusion.map((_, i) => `class ${i}`);
  return (
    <>
      <h3>Confusion matrix</h3>
      <div class="side">
        <Figure caption="Rows: true class, columns: predicted. Shading: share of the true class's rows.">
          <ConfusionChart classes={classes} matrix={e.confusion} />
        </Figure>
        <div>
          <PerClassTable classes={classes} m={e.confusion} />
        </div>
      </div>
      {e.confusion.length === 1 && <Note>Only one class is present: the matrix has a single cell.</Note>}
      {e.confusion.length > MAX_CONFUSION_CLASSES && (
        <Note>
          The first {MAX_CONFUSION_CLASSES} of {fmtCount(e.confusion.length)} classes are shown.
        </Note>
      )}
    </>
  );
}

/** The ROC curves that can be drawn, and notes for those that cannot. */
export function rocCurves(e: ReportEvaluation): { curves: NamedCurve[]; notes: string[] } {
  const curves: NamedCurve[] = [];
  const notes: string[] = [];
  const add = (c: ReportEvaluation['rocCurve'], label: string, who: string): void => {
    if (!c) return;
    const p = rocProblem(c);
    if (p) notes.push(`${who} curve not drawn: ${p}.`);
    else curves.push({ ...c, label });
  };
  add(e.rocCurve, 'candidate', 'Candidate');
  if (e.champion) add(e.champion.rocCurve, `champion v${fmtCount(e.champion.version)}`, 'Champion');
  return { curves, notes };
}

export const rocChartSpec = (e: ReportEvaluation): Record<string, unknown> | undefined => {
  const { curves } = rocCurves(e);
  return curves.length ? rocSpec(curves) : undefined;
};

function RocBlock({ e, chart }: { e: ReportEvaluation; chart?: ChartResult }): JSX.Element | null {
  const { curves, notes } = rocCurves(e);
  if (curves.length === 0 && notes.length === 0) return null;
  return (
    <>
      <h3>ROC curve</h3>
      {curves.length > 0 && (
        <Figure caption="ROC curve (at most 500 points drawn; AUC from the full curve). Dashed diagonal: chance.">
          <Chart chart={chart} what="ROC curve" />
        </Figure>
      )}
      {notes.map((n) => (
        <Note>{n}</Note>
      ))}
    </>
  );
}

export interface EvaluationCharts extends ImportanceCharts {
  roc?: ChartResult;
  thresholds?: ChartResult;
}

export function EvaluationSection({ e, charts }: { e: ReportEvaluation; charts: EvaluationCharts }): JSX.Element {
  const classes = e.classes;
  return (
    <Section id="evaluation" title="Evaluation">
      <Facts
        pairs={[
          ['task', e.task],
          classes
            ? [
                'classes',
                classes.length <= 12
                  ? joined(
                      classes.map((c) => <Code>{c}</Code>),
                      ' ',
                    )
                  : `${fmtCount(classes.length)} classes`,
              ]
            : undefined,
          e.champion
            ? ['champion', `version ${fmtCount(e.champion.version)}`]
            : ['champion', <Muted>none (first model, or not compared)</Muted>],
        ]}
      />
      <h3>{e.champion ? 'Candidate vs champion' : 'Metrics'}</h3>
      <MetricsTable e={e} />
      <ConfusionBlock e={e} />
      <RocBlock e={e} chart={charts.roc} />
      {e.thresholds && <ThresholdsBlock t={e.thresholds} chart={charts.thresholds} />}
      {e.importance && <ImportanceBlock imp={e.importance} charts={charts} />}
    </Section>
  );
}
