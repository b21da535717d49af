/**
 * The per-column small multiples as SVG components: a histogram for numeric/timestamp columns and
 * top-value bars for categorical ones. Hundreds of them per report, each a handful of rectangles:
 * drawn directly (no axes to lay out), bounded whatever the input size, coloured by CSS class so
 * they follow the light/dark theme and print. Labels and tooltips are escaped by the renderer.
 */
import type { ComponentChildren, JSX, SVGAttributes } from 'preact';
import { clip } from '../escape';
import { fmtCount, fmtNum, fmtTimestamp } from '../format';

/** Numbers written into SVG coordinates: short and never NaN. */
export const px = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0);

/** The <svg> element: fixed viewBox, scales down with the page (CSS `.chart`). */
export function Svg(p: { width: number; height: number; label: string; children?: ComponentChildren }): JSX.Element {
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${px(p.width)} ${px(p.height)}`}
      width={px(p.width)}
      height={px(p.height)}
      role="img"
      aria-label={p.label}
    >
      <title>{p.label}</title>
      {p.children}
    </svg>
  );
}

type TextProps = { x: number; y: number; children?: ComponentChildren } & Omit<SVGAttributes<SVGTextElement>, 'x' | 'y'>;

export function Text({ x, y, children, ...rest }: TextProps): JSX.Element {
  return (
    <text x={px(x)} y={px(y)} class="c-text" {...rest}>
      {children}
    </text>
  );
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
export function Histogram(p: {
  name: string;
  h: { edges: readonly number[]; counts: readonly number[] };
  asTimestamp: boolean;
}): JSX.Element {
  const { edges, counts } = coarsen(p.h.edges, p.h.counts, 60);
  const fmt = p.asTimestamp ? fmtTimestamp : fmtNum;
  const [left, right, top, bottom] = [6, SMALL_W - 6, 14, SMALL_H - 18];
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 1;
  const span = hi > lo ? hi - lo : 1;
  const peak = Math.max(1, ...counts);
  const x = (v: number): number => (hi > lo ? left + ((v - lo) / span) * (right - left) : left);
  return (
    <Svg width={SMALL_W} height={SMALL_H} label={`Histogram of ${p.name}`}>
      {counts.map((c, i) => {
        const a = edges[i] ?? lo;
        const b = edges[i + 1] ?? hi;
        // A degenerate range (all values equal) draws one full-width bar.
        const x0 = hi > lo ? x(a) : left;
        const w = hi > lo ? Math.max(0.5, x(b) - x(a) - 0.6) : right - left;
        const bh = ((bottom - top) * c) / peak;
        return (
          <rect class="c-bar" x={px(x0)} y={px(bottom - bh)} width={px(w)} height={px(bh)}>
            <title>{`[${fmt(a)}, ${fmt(b)}${i === counts.length - 1 ? ']' : ')'}: ${fmtCount(c)}`}</title>
          </rect>
        );
      })}
      <line class="c-axis" x1={left} y1={px(bottom)} x2={right} y2={px(bottom)} />
      <Text x={left} y={SMALL_H - 5}>
        {fmt(lo)}
      </Text>
      <Text x={right} y={SMALL_H - 5} text-anchor="end">
        {fmt(hi)}
      </Text>
      <Text x={left} y={10}>
        max {fmtCount(peak)}
      </Text>
    </Svg>
  );
}

/** Horizontal bars with a label and a count each: the top values of a categorical column. */
export function Bars(p: { name: string; items: readonly { value: string; count: number }[] }): JSX.Element {
  const [row, labelW, countW] = [15, 96, 52];
  const peak = Math.max(1, ...p.items.map((i) => (Number.isFinite(i.count) ? i.count : 0)));
  const barMax = SMALL_W - labelW - countW;
  return (
    <Svg width={SMALL_W} height={p.items.length * row + 6} label={`Most frequent values of ${p.name}`}>
      {p.items.map((it, k) => {
        const y = 3 + k * row;
        const c = Number.isFinite(it.count) && it.count > 0 ? it.count : 0;
        const w = Math.max(c > 0 ? 1 : 0, (barMax * c) / peak);
        const label = it.value === '' ? '(empty)' : it.value;
        return (
          <g>
            <title>{`${label}: ${fmtCount(it.count)}`}</title>
            <Text x={labelW - 4} y={y + 11} text-anchor="end">
              {clip(label, 16)}
            </Text>
            <rect class="c-bar" x={labelW} y={px(y + 2)} width={px(w)} height={row - 4} />
            <Text x={labelW + w + 3} y={y + 11}>
              {fmtCount(it.count)}
            </Text>
          </g>
        );
      })}
    </Svg>
  );
}
