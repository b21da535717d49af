/**
 * Inline SVG charts for the data and tuning sections: histograms and top-value bars (the per-column
 * small multiples) and the tuning trials' mean ± std bars. No script, no external resource: colours
 * come from CSS classes (render.ts's stylesheet), so the charts follow the light/dark theme and print.
 * Every label is escaped; every chart is bounded whatever the input size.
 */
import { clip, esc } from './escape';
import { fmtCount, fmtNum, fmtTimestamp } from './format';

/** Numbers written into SVG coordinates: short and never NaN. */
export const px = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '0');

/** The <svg> element: fixed viewBox, scales down with the page (CSS `.chart`). */
export function svg(width: number, height: number, label: string, body: string): string {
  return `<svg class="chart" viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${body}</svg>`;
}

export function text(x: number, y: number, s: string, attrs = 'class="c-text"'): string {
  return `<text x="${px(x)}" y="${px(y)}" ${attrs}>${esc(s)}</text>`;
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return ticks;
}

/** Merges adjacent bins so a histogram never draws more than `maxBins` bars (edges stay valid). */
export function coarsen(edges: readonly number[], counts: readonly number[], maxBins: number): { edges: number[]; counts: number[] } {
  if (counts.length <= maxBins) return { edges: [...edges], counts: [...counts] };
  const group = Math.ceil(counts.length / maxBins);
  const e: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < counts.length; i += group) {
    e.push(edges[i] ?? 0);
    let sum = 0;
    for (let j = i; j < Math.min(i + group, counts.length); j++) sum += counts[j] ?? 0;
    c.push(sum);
  }
  e.push(edges[edges.length - 1] ?? 0);
  return { edges: e, counts: c };
}

/** Why a histogram cannot be drawn, or undefined when it can. */
export function histogramProblem(h: { edges: readonly number[]; counts: readonly number[] }): string | undefined {
  if (!Array.isArray(h.edges) || !Array.isArray(h.counts)) return 'histogram edges/counts are not arrays';
  if (h.counts.length === 0) return 'histogram has no bins';
  if (h.edges.length !== h.counts.length + 1)
    return `histogram has ${h.edges.length} edges for ${h.counts.length} bins (expected ${h.counts.length + 1})`;
  if (!h.edges.every(Number.isFinite)) return 'histogram edges are not all finite';
  if (!h.counts.every((c) => Number.isFinite(c) && c >= 0)) return 'histogram counts are not all finite and ≥ 0';
  return undefined;
}

const SMALL_W = 260;
const SMALL_H = 110;

/** A small histogram: bars scaled to the tallest bin, the range's ends and the peak count labelled. */
export function histogramSvg(name: string, h: { edges: readonly number[]; counts: readonly number[] }, asTimestamp: boolean): string {
  const { edges, counts } = coarsen(h.edges, h.counts, 60);
  const fmt = asTimestamp ? fmtTimestamp : fmtNum;
  const left = 6;
  const right = SMALL_W - 6;
  const top = 14;
  const bottom = SMALL_H - 18;
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 1;
  const span = hi > lo ? hi - lo : 1;
  const peak = Math.max(1, ...counts);
  const x = (v: number): number => (hi > lo ? left + ((v - lo) / span) * (right - left) : left);
  const bars = counts
    .map((c, i) => {
      const a = edges[i] ?? lo;
      const b = edges[i + 1] ?? hi;
      // A degenerate range (all values equal) draws one full-width bar.
      const x0 = hi > lo ? x(a) : left;
      const w = hi > lo ? Math.max(0.5, x(b) - x(a) - 0.6) : right - left;
      const bh = ((bottom - top) * c) / peak;
      return `<rect class="c-bar" x="${px(x0)}" y="${px(bottom - bh)}" width="${px(w)}" height="${px(bh)}"><title>${esc(`[${fmt(a)}, ${fmt(b)}${i === counts.length - 1 ? ']' : ')'}: ${fmtCount(c)}`)}</title></rect>`;
    })
    .join('');
  const axis = `<line class="c-axis" x1="${left}" y1="${px(bottom)}" x2="${right}" y2="${px(bottom)}"/>`;
  const labels =
    text(left, SMALL_H - 5, fmt(lo), 'class="c-text"') +
    text(right, SMALL_H - 5, fmt(hi), 'class="c-text" text-anchor="end"') +
    text(left, 10, `max ${fmtCount(peak)}`, 'class="c-text"');
  return svg(SMALL_W, SMALL_H, `Histogram of ${name}`, bars + axis + labels);
}

/** Horizontal bars with a label and a count each: the top values of a categorical column. */
export function barsSvg(name: string, items: readonly { value: string; count: number }[]): string {
  const row = 15;
  const labelW = 96;
  const countW = 52;
  const h = items.length * row + 6;
  const peak = Math.max(1, ...items.map((i) => (Number.isFinite(i.count) ? i.count : 0)));
  const barMax = SMALL_W - labelW - countW;
  const body = items
    .map((it, k) => {
      const y = 3 + k * row;
      const c = Number.isFinite(it.count) && it.count > 0 ? it.count : 0;
      const w = Math.max(c > 0 ? 1 : 0, (barMax * c) / peak);
      const label = it.value === '' ? '(empty)' : it.value;
      return (
        `<g><title>${esc(`${label}: ${fmtCount(it.count)}`)}</title>` +
        text(labelW - 4, y + 11, clip(label, 16), 'class="c-text" text-anchor="end"') +
        `<rect class="c-bar" x="${labelW}" y="${px(y + 2)}" width="${px(w)}" height="${row - 4}"/>` +
        text(labelW + w + 3, y + 11, fmtCount(it.count)) +
        '</g>'
      );
    })
    .join('');
  return svg(SMALL_W, h, `Most frequent values of ${name}`, body);
}

export interface TrialBar {
  label: string;
  mean: number;
  std?: number;
  best: boolean;
}

/**
 * Mean ± std per trial as horizontal bars with whiskers. The axis starts at 0 when that keeps the
 * differences visible, otherwise it zooms on the range actually spanned (ticks say where it starts).
 */
export function trialsSvg(metric: string, trials: readonly TrialBar[]): string {
  const finite = trials.filter((t) => Number.isFinite(t.mean));
  const lows = finite.map((t) => t.mean - (Number.isFinite(t.std) ? (t.std ?? 0) : 0));
  const highs = finite.map((t) => t.mean + (Number.isFinite(t.std) ? (t.std ?? 0) : 0));
  let lo = Math.min(...lows, Infinity);
  let hi = Math.max(...highs, -Infinity);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo >= 0 && lo < 0.5 * hi) lo = 0;
  else {
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  if (hi <= lo) hi = lo + 1;
  const W = 640;
  const row = 18;
  const labelW = 170;
  const right = W - 60;
  const top = 6;
  const H = top + trials.length * row + 26;
  const x = (v: number): number => labelW + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (right - labelW);
  const rows = trials
    .map((t, k) => {
      const y = top + k * row;
      const cls = t.best ? 'c-best' : 'c-bar';
      const tip = `${t.label}: ${fmtNum(t.mean)}${t.std !== undefined ? ` ± ${fmtNum(t.std)}` : ''}`;
      let g = text(labelW - 6, y + 13, clip(t.label, 28), `class="c-text${t.best ? ' c-strong' : ''}" text-anchor="end"`);
      if (Number.isFinite(t.mean)) {
        g += `<rect class="${cls}" x="${labelW}" y="${px(y + 3)}" width="${px(Math.max(1, x(t.mean) - labelW))}" height="${row - 6}"/>`;
        if (t.std !== undefined && Number.isFinite(t.std) && t.std > 0) {
          const a = x(t.mean - t.std);
          const b = x(t.mean + t.std);
          const m = y + row / 2;
          g += `<path class="c-whisker" d="M${px(a)} ${px(m)}H${px(b)}M${px(a)} ${px(m - 4)}V${px(m + 4)}M${px(b)} ${px(m - 4)}V${px(m + 4)}"/>`;
        }
        g += text(right + 4, y + 13, fmtNum(t.mean));
      } else g += text(labelW + 4, y + 13, fmtNum(t.mean));
      return `<g><title>${esc(tip)}</title>${g}</g>`;
    })
    .join('');
  const axisY = top + trials.length * row + 2;
  const ticks = niceTicks(lo, hi, 6)
    .map(
      (v) =>
        `<line class="c-grid" x1="${px(x(v))}" y1="${top}" x2="${px(x(v))}" y2="${px(axisY)}"/>` +
        text(x(v), axisY + 14, fmtNum(v), 'class="c-text" text-anchor="middle"'),
    )
    .join('');
  const axis = `<line class="c-axis" x1="${labelW}" y1="${px(axisY)}" x2="${right}" y2="${px(axisY)}"/>`;
  return svg(W, H, `Cross-validated ${metric} per trial (mean ± std)`, ticks + rows + axis);
}
