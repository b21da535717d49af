/**
 * Inline SVG charts for the evaluation section: the confusion-matrix heatmap (counts, shaded by
 * row so each true class reads as "where did its rows go") and the ROC curve with the champion
 * overlaid. Curves are downsampled to at most 500 points; AUC is computed on the full curve.
 */
import { clip, esc } from './escape';
import { fmtCount, fmtNum, fmtPct } from './format';
import { niceTicks, px, svg, text } from './charts';

export const MAX_ROC_POINTS = 500;
export const MAX_CONFUSION_CLASSES = 30;

/** Why a confusion matrix cannot be drawn, or undefined when it can. */
export function confusionProblem(classes: readonly string[] | undefined, m: readonly (readonly number[])[]): string | undefined {
  if (!Array.isArray(m) || m.length === 0) return 'the confusion matrix is empty';
  const n = m.length;
  for (let i = 0; i < n; i++) {
    const r = m[i];
    if (!Array.isArray(r) || r.length !== n)
      return `confusion matrix row ${i} has ${Array.isArray(r) ? r.length : 0} cells, expected ${n} (a square matrix)`;
  }
  if (classes && classes.length !== n) return `confusion matrix is ${n}×${n} but ${classes.length} class labels were given`;
  return undefined;
}

/**
 * Heatmap of the confusion matrix: rows are true classes, columns predicted ones; each cell shows
 * its count, and (when there is room) its share of the row, which also sets the shading.
 */
export function confusionSvg(classesIn: readonly string[] | undefined, matrix: readonly (readonly number[])[]): string {
  const nAll = matrix.length;
  const n = Math.min(nAll, MAX_CONFUSION_CLASSES);
  const classes = Array.from({ length: n }, (_, i) => classesIn?.[i] ?? `class ${i}`);
  const cell = Math.max(22, Math.min(80, Math.floor(480 / n)));
  const longest = Math.max(1, ...classes.map((c) => Math.min(18, c.length)));
  const labelW = Math.min(130, 6.2 * longest + 14) + 16;
  const rotate = longest * 6.2 > cell - 4;
  const bottomH = (rotate ? Math.min(100, 4 * longest + 14) : 18) + 22;
  const top = 8;
  const W = labelW + n * cell + 10;
  const H = top + n * cell + bottomH;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = matrix[i] ?? [];
    // The row total covers every predicted class, also those beyond the drawn ones.
    const total = row.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    for (let j = 0; j < n; j++) {
      const v = row[j] ?? 0;
      const share = total > 0 && Number.isFinite(v) ? v / total : 0;
      const x = labelW + j * cell;
      const y = top + i * cell;
      const dark = share > 0.6;
      const tip = `true ${classes[i]}, predicted ${classes[j]}: ${fmtCount(v)} (${total > 0 ? fmtPct(share) : 'no rows'} of the true class)`;
      let g = `<rect class="c-cellbg" x="${px(x)}" y="${px(y)}" width="${cell}" height="${cell}"/>`;
      g += `<rect class="${i === j ? 'c-diag' : 'c-off'}" x="${px(x)}" y="${px(y)}" width="${cell}" height="${cell}" fill-opacity="${px(Math.max(0, Math.min(1, share)) * 0.92)}"/>`;
      const cx = x + cell / 2;
      const big = cell >= 44;
      const cls = `c-cell${dark ? ' c-on-dark' : ''}`;
      if (cell >= 28 || v !== 0)
        g += text(
          cx,
          y + cell / 2 + (big ? -1 : 4),
          fmtCount(v),
          `class="${cls}" text-anchor="middle"${cell < 30 ? ' font-size="9"' : ''}`,
        );
      if (big && total > 0) g += text(cx, y + cell / 2 + 13, fmtPct(share), `class="${cls} c-small" text-anchor="middle"`);
      parts.push(`<g><title>${esc(tip)}</title>${g}</g>`);
    }
  }
  // Axis labels: true classes on the left, predicted classes below (rotated when they are long).
  for (let i = 0; i < n; i++) {
    const label = classes[i] ?? '';
    parts.push(
      `<g><title>${esc(label)}</title>${text(labelW - 6, top + i * cell + cell / 2 + 4, clip(label, 18), 'class="c-text" text-anchor="end"')}</g>`,
    );
    const cx = labelW + i * cell + cell / 2;
    const y = top + n * cell + 12;
    const attrs = rotate
      ? `class="c-text" text-anchor="end" transform="rotate(-40 ${px(cx)} ${px(y)})"`
      : 'class="c-text" text-anchor="middle"';
    parts.push(`<g><title>${esc(label)}</title>${text(cx, y, clip(label, 18), attrs)}</g>`);
  }
  parts.push(text(labelW + (n * cell) / 2, H - 4, 'predicted', 'class="c-text c-strong" text-anchor="middle"'));
  parts.push(
    text(
      10,
      top + (n * cell) / 2,
      'true',
      `class="c-text c-strong" text-anchor="middle" transform="rotate(-90 10 ${px(top + (n * cell) / 2)})"`,
    ),
  );
  const omitted = nAll > n ? ` (first ${n} of ${nAll} classes)` : '';
  return svg(W, H, `Confusion matrix${omitted}`, parts.join(''));
}

export interface Curve {
  fpr: readonly number[];
  tpr: readonly number[];
}

/** Why a ROC curve cannot be drawn, or undefined when it can. */
export function rocProblem(c: Curve): string | undefined {
  if (!Array.isArray(c.fpr) || !Array.isArray(c.tpr)) return 'fpr/tpr are not arrays';
  if (c.fpr.length !== c.tpr.length) return `fpr has ${c.fpr.length} points but tpr has ${c.tpr.length}`;
  if (c.fpr.length < 2) return `the curve has ${c.fpr.length} point(s), at least 2 are needed`;
  const bad = (v: number): boolean => !Number.isFinite(v) || v < -1e-9 || v > 1 + 1e-9;
  const i = c.fpr.findIndex(bad);
  if (i >= 0) return `fpr[${i}] = ${fmtNum(c.fpr[i])} is not a rate in [0, 1]`;
  const j = c.tpr.findIndex(bad);
  if (j >= 0) return `tpr[${j}] = ${fmtNum(c.tpr[j])} is not a rate in [0, 1]`;
  return undefined;
}

/** Area under the curve by the trapezoidal rule (sklearn's `auc(fpr, tpr)`). */
export function curveAuc(c: Curve): number {
  let area = 0;
  for (let i = 1; i < c.fpr.length; i++) area += ((c.fpr[i] ?? 0) - (c.fpr[i - 1] ?? 0)) * (((c.tpr[i] ?? 0) + (c.tpr[i - 1] ?? 0)) / 2);
  return Math.abs(area);
}

/** At most `max` points, evenly spaced along the curve's index, always keeping both ends. */
export function downsampleCurve(c: Curve, max = MAX_ROC_POINTS): { fpr: number[]; tpr: number[] } {
  const n = c.fpr.length;
  if (n <= max) return { fpr: [...c.fpr], tpr: [...c.tpr] };
  const fpr: number[] = [];
  const tpr: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    fpr.push(c.fpr[i] ?? 0);
    tpr.push(c.tpr[i] ?? 0);
  }
  return { fpr, tpr };
}

export interface NamedCurve extends Curve {
  label: string;
  /** CSS class of the line: c-line (candidate) or c-line2 (champion). */
  cls: string;
}

/** ROC plot: the chance diagonal, each curve (≤ 500 points) and a legend with its AUC. */
export function rocSvg(curves: readonly NamedCurve[]): string {
  const S = 300;
  const left = 44;
  const top = 10;
  const legendH = 18 * curves.length + 8;
  const W = left + S + 16;
  const H = top + S + 40 + legendH;
  const x = (v: number): number => left + v * S;
  const y = (v: number): number => top + (1 - v) * S;
  const parts: string[] = [];
  for (const t of niceTicks(0, 1, 5)) {
    parts.push(
      `<line class="c-grid" x1="${px(x(t))}" y1="${top}" x2="${px(x(t))}" y2="${top + S}"/><line class="c-grid" x1="${left}" y1="${px(y(t))}" x2="${left + S}" y2="${px(y(t))}"/>`,
    );
    parts.push(text(x(t), top + S + 14, fmtNum(t), 'class="c-text" text-anchor="middle"'));
    parts.push(text(left - 5, y(t) + 4, fmtNum(t), 'class="c-text" text-anchor="end"'));
  }
  parts.push(`<rect class="c-frame" x="${left}" y="${top}" width="${S}" height="${S}"/>`);
  parts.push(`<line class="c-chance" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}"/>`);
  parts.push(text(left + S / 2, top + S + 30, 'false positive rate', 'class="c-text c-strong" text-anchor="middle"'));
  parts.push(
    text(
      12,
      top + S / 2,
      'true positive rate',
      `class="c-text c-strong" text-anchor="middle" transform="rotate(-90 12 ${px(top + S / 2)})"`,
    ),
  );
  curves.forEach((c, k) => {
    const d = downsampleCurve(c);
    const pts = d.fpr.map((f, i) => `${px(x(f))},${px(y(d.tpr[i] ?? 0))}`).join(' ');
    parts.push(`<polyline class="${c.cls}" points="${pts}"/>`);
    const ly = top + S + 48 + k * 18;
    parts.push(`<line class="${c.cls}" x1="${left}" y1="${ly - 4}" x2="${left + 24}" y2="${ly - 4}"/>`);
    parts.push(text(left + 30, ly, `${c.label} — AUC ${fmtNum(curveAuc(c))}`, 'class="c-text c-legend"'));
  });
  return svg(W, H, 'ROC curve', parts.join(''));
}
