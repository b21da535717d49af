/**
 * The report's Vega-Lite specifications: ROC curves, the tuning trials (mean ± std), the
 * precision/recall/F1-vs-threshold curves and feature importances. Each builder takes plain data
 * (already bounded by the caller) and returns a spec; charts/vega.ts renders it to SVG. Mark
 * names (`curve`, `chance`, `bar`, `best`, `whisker`, …) become CSS classes `<name>_marks`.
 */
import { clip } from '../escape';
import { fmtNum } from '../format';
import { curveAuc, downsampleCurve, type Curve } from './curves';

type Spec = Record<string, unknown>;

export interface NamedCurve extends Curve {
  label: string;
}

const quant = (field: string, title: string, extra: Spec = {}): Spec => ({ field, type: 'quantitative', title, ...extra });

/** ROC plot: the chance diagonal and each curve (≤ 500 points), the legend giving its AUC. */
export function rocSpec(curves: readonly NamedCurve[]): Spec {
  const values = curves.flatMap((c) => {
    const d = downsampleCurve(c);
    const series = `${c.label} — AUC ${fmtNum(curveAuc(c))}`;
    return d.fpr.map((f, i) => ({ series, i, fpr: f, tpr: d.tpr[i] ?? 0 }));
  });
  const series = [...new Set(values.map((v) => v.series))];
  return {
    width: 300,
    height: 300,
    layer: [
      {
        name: 'chance',
        data: { values: [{ a: 0, b: 1 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#8c959f' },
        encoding: { x: { datum: 0, type: 'quantitative' }, y: { datum: 0, type: 'quantitative' }, x2: { datum: 1 }, y2: { datum: 1 } },
      },
      {
        name: 'curve',
        data: { values },
        mark: { type: 'line', strokeWidth: 2.2, clip: false },
        encoding: {
          x: quant('fpr', 'false positive rate', { scale: { domain: [0, 1] } }),
          y: quant('tpr', 'true positive rate', { scale: { domain: [0, 1] } }),
          order: { field: 'i', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', title: null, sort: series },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            sort: series,
            scale: {
              range: [
                [1, 0],
                [7, 4],
              ],
            },
          },
        },
      },
    ],
  };
}

export interface TrialBar {
  label: string;
  mean: number;
  std?: number;
  best: boolean;
}

/** The x domain: from 0 when that keeps the differences visible, else zoomed on the spanned range. */
export function trialsDomain(trials: readonly TrialBar[]): [number, number] {
  const finite = trials.filter((t) => Number.isFinite(t.mean));
  const sd = (t: TrialBar): number => (t.std !== undefined && Number.isFinite(t.std) ? t.std : 0);
  let lo = Math.min(...finite.map((t) => t.mean - sd(t)), Infinity);
  let hi = Math.max(...finite.map((t) => t.mean + sd(t)), -Infinity);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo >= 0 && lo < 0.5 * hi) lo = 0;
  else {
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi > lo ? hi : lo + 1];
}

/** Mean ± std per trial as horizontal bars with whiskers, in the given order; the chosen one highlighted. */
export function trialsSpec(metric: string, trials: readonly TrialBar[]): Spec {
  const [lo, hi] = trialsDomain(trials);
  const values = trials.map((t) => {
    const ok = Number.isFinite(t.mean);
    const sd = t.std !== undefined && Number.isFinite(t.std) && t.std > 0 ? t.std : undefined;
    return {
      label: clip(t.label, 28),
      mean: ok ? Math.min(hi, Math.max(lo, t.mean)) : null,
      text: fmtNum(t.mean),
      lo: ok && sd ? Math.max(lo, t.mean - sd) : null,
      hi: ok && sd ? Math.min(hi, t.mean + sd) : null,
      best: t.best,
    };
  });
  // Labels start with the trial's #index, so they stay unique after clipping.
  const y = { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 180 } };
  const x = quant('mean', `cross-validated ${metric}`, { scale: { domain: [lo, hi], zero: false, clamp: true } });
  return {
    width: 420,
    height: { step: 18 },
    data: { values },
    layer: [
      { name: 'bar', transform: [{ filter: '!datum.best && datum.mean !== null' }], mark: { type: 'bar' }, encoding: { y, x } },
      { name: 'best', transform: [{ filter: 'datum.best && datum.mean !== null' }], mark: { type: 'bar' }, encoding: { y, x } },
      {
        name: 'whisker',
        transform: [{ filter: 'datum.lo !== null' }],
        mark: { type: 'rule', strokeWidth: 1.3 },
        encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
      },
      {
        name: 'value',
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: { y, x: { datum: hi, type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };
}

/** Precision, recall and F1 against the decision threshold (points given in ascending threshold). */
export function thresholdSpec(points: readonly { threshold: number; precision: number; recall: number; f1: number }[]): Spec {
  const values = points.flatMap((p) =>
    (['precision', 'recall', 'f1'] as const)
      .filter((m) => Number.isFinite(p[m]) && Number.isFinite(p.threshold))
      .map((m) => ({ metric: m === 'f1' ? 'F1' : m, threshold: p.threshold, value: p[m] })),
  );
  return {
    width: 360,
    height: 220,
    data: { values },
    layer: [
      {
        name: 'curve',
        mark: { type: 'line', strokeWidth: 2, interpolate: 'step-before' },
        encoding: {
          x: quant('threshold', 'decision threshold (predict positive when p ≥ threshold)', { scale: { domain: [0, 1] } }),
          y: quant('value', null as never, { scale: { domain: [0, 1] } }),
          color: { field: 'metric', type: 'nominal', title: null, sort: ['precision', 'recall', 'F1'] },
        },
      },
      {
        name: 'default',
        data: { values: [{ t: 0.5 }] },
        mark: { type: 'rule', strokeDash: [3, 3], color: '#8c959f' },
        encoding: { x: { field: 't', type: 'quantitative' } },
      },
    ],
  };
}

/** Horizontal importance bars (with ± std whiskers when given), largest first, as ordered by the caller. */
export function importanceSpec(title: string, features: readonly { name: string; value: number; std?: number }[]): Spec {
  const values = features.map((f, i) => ({
    label: `${i + 1}. ${clip(f.name, 32)}`,
    value: Number.isFinite(f.value) ? f.value : 0,
    text: fmtNum(f.value),
    lo: f.std !== undefined && Number.isFinite(f.std) ? f.value - f.std : null,
    hi: f.std !== undefined && Number.isFinite(f.std) ? f.value + f.std : null,
  }));
  // Ranks prefix the labels, so they stay unique after clipping.
  const y = { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 220 } };
  return {
    width: 360,
    height: { step: 16 },
    data: { values },
    layer: [
      { name: 'bar', mark: { type: 'bar' }, encoding: { y, x: quant('value', title) } },
      {
        name: 'whisker',
        transform: [{ filter: 'datum.lo !== null' }],
        mark: { type: 'rule', strokeWidth: 1.3 },
        encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
      },
    ],
  };
}
