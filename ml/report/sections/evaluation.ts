/**
 * Evaluation section: the candidate's test metrics next to the champion's (deltas coloured by
 * each metric's direction), the confusion matrix with per-class precision/recall, and the ROC
 * curve with the champion's overlaid.
 */
import { confusionProblem, confusionSvg, MAX_CONFUSION_CLASSES, rocProblem, rocSvg, type NamedCurve } from '../charts-eval';
import { esc } from '../escape';
import { fmtCount, fmtDelta, fmtNum, higherIsBetter } from '../format';
import type { ReportEvaluation } from '../types';
import { code, facts, note, section, table, type Cell } from './html';

export type Verdict = 'better' | 'worse' | 'same' | 'unknown';

/** Is the candidate's value better than the champion's for this metric? */
export function compareMetric(metric: string, candidate: number | undefined, champion: number | undefined): Verdict {
  if (candidate === undefined || champion === undefined || !Number.isFinite(candidate) || !Number.isFinite(champion)) return 'unknown';
  if (candidate === champion) return 'same';
  return candidate > champion === higherIsBetter(metric) ? 'better' : 'worse';
}

const ARROWS: Record<Verdict, string> = { better: '▲ better', worse: '▼ worse', same: '= same', unknown: '' };

function metricsTable(e: ReportEvaluation): string {
  const cand = e.metrics ?? {};
  const champ = e.champion;
  const names = [...Object.keys(cand), ...Object.keys(champ?.metrics ?? {}).filter((k) => !(k in cand))];
  if (names.length === 0) return note('No metrics were computed.');
  const dir = (m: string): string => `<span class="muted">${higherIsBetter(m) ? '↑' : '↓'}</span>`;
  if (!champ) {
    return table(
      ['metric', 'candidate'],
      names.map((m) => [`${code(m)} ${dir(m)}`, esc(fmtNum(cand[m]))]),
      { numericFrom: 1 },
    );
  }
  const rows = names.map((m): (string | Cell)[] => {
    const a = cand[m];
    const b = champ.metrics[m];
    const v = compareMetric(m, a, b);
    const delta = a !== undefined && b !== undefined ? fmtDelta(a - b) : '–';
    return [`${code(m)} ${dir(m)}`, esc(fmtNum(a)), esc(fmtNum(b)), { html: esc(delta), cls: v }, { html: esc(ARROWS[v]), cls: v }];
  });
  return (
    table(['metric', 'candidate', `champion v${fmtCount(champ.version)}`, 'Δ (candidate − champion)', ''], rows, { numericFrom: 1 }) +
    note('↑ higher is better, ↓ lower is better; green: the candidate is better, red: worse.')
  );
}

function perClassTable(classes: readonly string[], m: readonly (readonly number[])[]): string {
  const n = Math.min(m.length, MAX_CONFUSION_CLASSES);
  const ratio = (a: number, b: number): string => (b > 0 ? fmtNum(a / b) : '–');
  const rows = Array.from({ length: n }, (_, i) => {
    const row = m[i] ?? [];
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = m.reduce((s, r) => s + (r[i] ?? 0), 0);
    const tp = row[i] ?? 0;
    const p = predicted > 0 ? tp / predicted : NaN;
    const r = support > 0 ? tp / support : NaN;
    const f1 = p + r > 0 ? (2 * p * r) / (p + r) : NaN;
    return [
      code(classes[i] ?? `class ${i}`),
      esc(fmtCount(support)),
      esc(fmtCount(predicted)),
      esc(ratio(tp, predicted)),
      esc(ratio(tp, support)),
      esc(Number.isFinite(f1) ? fmtNum(f1) : '–'),
    ];
  });
  return table(['class', 'support (true)', 'predicted', 'precision', 'recall', 'F1'], rows, { numericFrom: 1, cls: 'compact' });
}

function confusionBlock(e: ReportEvaluation): string {
  if (!e.confusion) return '';
  const problem = confusionProblem(e.classes, e.confusion);
  if (problem) return `<h3>Confusion matrix</h3>${note(`Not drawn: ${esc(problem)}.`)}`;
  const classes = e.classes ?? e.confusion.map((_, i) => `class ${i}`);
  const single = e.confusion.length === 1 ? note('Only one class is present: the matrix has a single cell.') : '';
  const more =
    e.confusion.length > MAX_CONFUSION_CLASSES
      ? note(`The first ${MAX_CONFUSION_CLASSES} of ${fmtCount(e.confusion.length)} classes are shown.`)
      : '';
  return `<h3>Confusion matrix</h3><div class="side"><figure>${confusionSvg(classes, e.confusion)}<figcaption>Rows: true class, columns: predicted. Shading: share of the true class's rows.</figcaption></figure><div>${perClassTable(classes, e.confusion)}</div></div>${single}${more}`;
}

function rocBlock(e: ReportEvaluation): string {
  const curves: NamedCurve[] = [];
  const notes: string[] = [];
  if (e.rocCurve) {
    const p = rocProblem(e.rocCurve);
    if (p) notes.push(`Candidate curve not drawn: ${esc(p)}.`);
    else curves.push({ ...e.rocCurve, label: 'candidate', cls: 'c-line' });
  }
  const champ = e.champion;
  if (champ?.rocCurve) {
    const p = rocProblem(champ.rocCurve);
    if (p) notes.push(`Champion curve not drawn: ${esc(p)}.`);
    else curves.push({ ...champ.rocCurve, label: `champion v${fmtCount(champ.version)}`, cls: 'c-line2' });
  }
  if (curves.length === 0 && notes.length === 0) return '';
  const chart = curves.length
    ? `<figure>${rocSvg(curves)}<figcaption>ROC curve (at most 500 points drawn; AUC from the full curve). Dashed diagonal: chance.</figcaption></figure>`
    : '';
  return `<h3>ROC curve</h3>${chart}${notes.map(note).join('')}`;
}

export function evaluationSection(e: ReportEvaluation): string {
  const head = facts([
    ['task', esc(e.task)],
    e.classes
      ? ['classes', e.classes.length <= 12 ? e.classes.map(code).join(' ') : `${esc(fmtCount(e.classes.length))} classes`]
      : undefined,
    e.champion
      ? ['champion', `version ${esc(fmtCount(e.champion.version))}`]
      : ['champion', '<span class="muted">none (first model, or not compared)</span>'],
  ]);
  return section(
    'evaluation',
    'Evaluation',
    `${head}<h3>${e.champion ? 'Candidate vs champion' : 'Metrics'}</h3>${metricsTable(e)}${confusionBlock(e)}${rocBlock(e)}`,
  );
}
