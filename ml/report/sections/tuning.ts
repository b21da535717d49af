/**
 * Tuning section: every trial's hyperparameters and cross-validated score (the chosen one marked),
 * and a chart of mean ± std. The chart draws at most MAX_TRIAL_BARS trials, the best ones.
 */
import { trialsSvg } from '../charts';
import { clip, esc } from '../escape';
import { fmtNum } from '../format';
import type { ReportTrial, ReportTuning } from '../types';
import { code, facts, note, section, table } from './html';

export const MAX_TRIAL_ROWS = 200;
export const MAX_TRIAL_BARS = 40;

/** `key=value` pairs, values compact (numbers to 4 significant digits, others as JSON). */
export function formatHyperparams(h: Record<string, unknown>): string {
  const entries = h && typeof h === 'object' ? Object.entries(h) : [];
  if (entries.length === 0) return '<span class="muted">(defaults)</span>';
  return entries
    .map(([k, v]) => {
      let s: string;
      if (typeof v === 'number') s = fmtNum(v);
      else if (typeof v === 'string') s = v;
      else {
        try {
          s = JSON.stringify(v) ?? String(v);
        } catch {
          s = String(v);
        }
      }
      return `<span class="kv">${esc(k)}=<b>${esc(clip(s, 60))}</b></span>`;
    })
    .join(' ');
}

/** Trials ordered best first for the metric's direction; non-finite scores last. */
function rankTrials(trials: readonly ReportTrial[], higher: boolean): ReportTrial[] {
  const score = (t: ReportTrial): number => (Number.isFinite(t.mean) ? (higher ? -t.mean : t.mean) : Infinity);
  return [...trials].sort((a, b) => score(a) - score(b) || a.index - b.index);
}

export function tuningSection(t: ReportTuning): string {
  const trials = Array.isArray(t.trials) ? t.trials : [];
  const best = trials.find((x) => x.index === t.bestIndex);
  const head = facts([
    ['metric', `${code(t.metric)} <span class="muted">(${t.higherIsBetter ? 'higher' : 'lower'} is better)</span>`],
    ['trials', esc(trials.length)],
    [
      'chosen',
      best
        ? `#${esc(best.index)} ${esc(best.kind)} — ${esc(fmtNum(best.mean))}${best.std !== undefined ? ` ± ${esc(fmtNum(best.std))}` : ''}`
        : `<span class="bad">#${esc(t.bestIndex)} is not among the trials</span>`,
    ],
  ]);
  if (trials.length === 0) return section('tuning', 'Tuning', head + note('No trials were run.'));
  const ordered = [...trials].sort((a, b) => a.index - b.index);
  const rowsShown =
    ordered.length > MAX_TRIAL_ROWS
      ? rankTrials(ordered, t.higherIsBetter)
          .slice(0, MAX_TRIAL_ROWS)
          .sort((a, b) => a.index - b.index)
      : ordered;
  const rows = rowsShown.map((x) => [
    `${x.index === t.bestIndex ? '★ ' : ''}${esc(x.index)}`,
    esc(x.kind),
    formatHyperparams(x.hyperparams),
    { html: esc(fmtNum(x.mean)), cls: x.index === t.bestIndex ? 'good strong' : '' },
    esc(x.std === undefined ? '–' : fmtNum(x.std)),
    x.perFold?.length ? `<span class="folds">${x.perFold.map((f) => esc(fmtNum(f))).join(' · ')}</span>` : '–',
  ]);
  const tbl = table(['#', 'kind', 'hyperparameters', `mean ${t.metric}`, 'std', 'per fold'], rows, {
    numericFrom: 3,
    rowCls: (i) => (rowsShown[i]?.index === t.bestIndex ? 'row-best' : undefined),
  });
  const barsFrom = ordered.length > MAX_TRIAL_BARS ? rankTrials(ordered, t.higherIsBetter).slice(0, MAX_TRIAL_BARS) : ordered;
  const chart = trialsSvg(
    t.metric,
    barsFrom.map((x) => ({
      label: `#${x.index} ${x.kind}`,
      mean: x.mean,
      ...(x.std !== undefined && { std: x.std }),
      best: x.index === t.bestIndex,
    })),
  );
  const chartNote =
    ordered.length > MAX_TRIAL_BARS ? note(`Chart: the best ${MAX_TRIAL_BARS} of ${trials.length} trials, best first.`) : '';
  const rowNote = ordered.length > MAX_TRIAL_ROWS ? note(`Table: the best ${MAX_TRIAL_ROWS} of ${trials.length} trials.`) : '';
  return section(
    'tuning',
    'Tuning',
    head +
      `<figure>${chart}<figcaption>Cross-validated ${esc(t.metric)} per trial: bar = mean, whisker = ± std; the chosen trial highlighted.</figcaption></figure>${chartNote}` +
      tbl +
      rowNote,
  );
}
