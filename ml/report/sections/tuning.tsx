/**
 * Tuning section: every trial's hyperparameters and cross-validated score (the chosen one marked),
 * and a Vega-Lite chart of mean ± std. The chart draws at most MAX_TRIAL_BARS trials, the best ones.
 */
import type { JSX } from 'preact';
import { Chart, type ChartResult } from '../charts/chart';
import { trialsSpec } from '../charts/specs';
import { Code, Facts, Figure, Muted, Note, Section, Table } from '../components';
import { clip } from '../escape';
import { fmtNum } from '../format';
import type { ReportTrial, ReportTuning } from '../types';

export const MAX_TRIAL_ROWS = 200;
export const MAX_TRIAL_BARS = 40;

/** `key=value` pairs, values compact (numbers to 4 significant digits, others as JSON). */
export function Hyperparams({ h }: { h: Record<string, unknown> }): JSX.Element {
  const entries = h && typeof h === 'object' ? Object.entries(h) : [];
  if (entries.length === 0) return <Muted>(defaults)</Muted>;
  const show = (v: unknown): string => {
    if (typeof v === 'number') return fmtNum(v);
    if (typeof v === 'string') return v;
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  };
  return (
    <>
      {entries.map(([k, v], i) => (
        <>
          {i > 0 && ' '}
          <span class="kv">
            {k}=<b>{clip(show(v), 60)}</b>
          </span>
        </>
      ))}
    </>
  );
}

/** Trials ordered best first for the metric's direction; non-finite scores last. */
function rankTrials(trials: readonly ReportTrial[], higher: boolean): ReportTrial[] {
  const score = (t: ReportTrial): number => (Number.isFinite(t.mean) ? (higher ? -t.mean : t.mean) : Infinity);
  return [...trials].sort((a, b) => score(a) - score(b) || a.index - b.index);
}

const byIndex = (t: ReportTuning): ReportTrial[] => [...(Array.isArray(t.trials) ? t.trials : [])].sort((a, b) => a.index - b.index);

/** The chart's spec (the best MAX_TRIAL_BARS trials), or undefined without trials. */
export function tuningChartSpec(t: ReportTuning): Record<string, unknown> | undefined {
  const ordered = byIndex(t);
  if (ordered.length === 0) return undefined;
  const bars = ordered.length > MAX_TRIAL_BARS ? rankTrials(ordered, t.higherIsBetter).slice(0, MAX_TRIAL_BARS) : ordered;
  return trialsSpec(
    t.metric,
    bars.map((x) => ({
      label: `#${x.index} ${x.kind}`,
      mean: x.mean,
      ...(x.std !== undefined && { std: x.std }),
      best: x.index === t.bestIndex,
    })),
  );
}

export function TuningSection({ t, chart }: { t: ReportTuning; chart?: ChartResult }): JSX.Element {
  const ordered = byIndex(t);
  const best = ordered.find((x) => x.index === t.bestIndex);
  const head = (
    <Facts
      pairs={[
        [
          'metric',
          <>
            <Code>{t.metric}</Code> <Muted>({t.higherIsBetter ? 'higher' : 'lower'} is better)</Muted>
          </>,
        ],
        ['trials', String(ordered.length)],
        [
          'chosen',
          best ? (
            `#${best.index} ${best.kind}${best.pipeline !== undefined ? ` (pipeline ${best.pipeline})` : ''} — ${fmtNum(best.mean)}${best.std !== undefined ? ` ± ${fmtNum(best.std)}` : ''}`
          ) : (
            <span class="bad">#{t.bestIndex} is not among the trials</span>
          ),
        ],
      ]}
    />
  );
  if (ordered.length === 0)
    return (
      <Section id="tuning" title="Tuning">
        {head}
        <Note>No trials were run.</Note>
      </Section>
    );
  const rowsShown =
    ordered.length > MAX_TRIAL_ROWS
      ? rankTrials(ordered, t.higherIsBetter)
          .slice(0, MAX_TRIAL_ROWS)
          .sort((a, b) => a.index - b.index)
      : ordered;
  // Per-trial feature pipelines (dags/params/pipelines.ts): a column naming each trial's, unnamed = the default one.
  const pipelines = ordered.some((x) => x.pipeline !== undefined);
  const rows = rowsShown.map((x) => [
    `${x.index === t.bestIndex ? '★ ' : ''}${x.index}`,
    x.kind,
    ...(pipelines ? [x.pipeline ?? 'features'] : []),
    <Hyperparams h={x.hyperparams} />,
    { content: fmtNum(x.mean), cls: x.index === t.bestIndex ? 'good strong' : '' },
    x.std === undefined ? '–' : fmtNum(x.std),
    x.perFold?.length ? <span class="folds">{x.perFold.map((f) => fmtNum(f)).join(' · ')}</span> : '–',
  ]);
  return (
    <Section id="tuning" title="Tuning">
      {head}
      <Figure caption={`Cross-validated ${t.metric} per trial: bar = mean, whisker = ± std; the chosen trial highlighted.`}>
        <Chart chart={chart} what="trials chart" />
      </Figure>
      {ordered.length > MAX_TRIAL_BARS && (
        <Note>
          Chart: the best {MAX_TRIAL_BARS} of {ordered.length} trials, best first.
        </Note>
      )}
      <Table
        headers={['#', 'kind', ...(pipelines ? ['pipeline'] : []), 'hyperparameters', `mean ${t.metric}`, 'std', 'per fold']}
        rows={rows}
        numericFrom={pipelines ? 4 : 3}
        rowCls={(i) => (rowsShown[i]?.index === t.bestIndex ? 'row-best' : undefined)}
      />
      {ordered.length > MAX_TRIAL_ROWS && (
        <Note>
          Table: the best {MAX_TRIAL_ROWS} of {ordered.length} trials.
        </Note>
      )}
    </Section>
  );
}
