/**
 * The confusion-matrix heatmap (counts, shaded by row so each true class reads as "where did its
 * rows go"). A grid of labelled cells rather than a plot with axes, so it is drawn directly.
 */
import type { JSX } from 'preact';
import { clip } from '../escape';
import { fmtCount, fmtPct } from '../format';
import { px, Svg, Text } from './small';

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

/** Rows are true classes, columns predicted ones; each cell shows its count and (with room) its row share. */
export function ConfusionChart(p: { classes: readonly string[] | undefined; matrix: readonly (readonly number[])[] }): JSX.Element {
  const nAll = p.matrix.length;
  const n = Math.min(nAll, MAX_CONFUSION_CLASSES);
  const classes = Array.from({ length: n }, (_, i) => p.classes?.[i] ?? `class ${i}`);
  const cell = Math.max(22, Math.min(80, Math.floor(480 / n)));
  const longest = Math.max(1, ...classes.map((c) => Math.min(18, c.length)));
  const labelW = Math.min(130, 6.2 * longest + 14) + 16;
  const rotate = longest * 6.2 > cell - 4;
  const bottomH = (rotate ? Math.min(100, 4 * longest + 14) : 18) + 22;
  const top = 8;
  const W = labelW + n * cell + 10;
  const H = top + n * cell + bottomH;
  const cells: JSX.Element[] = [];
  for (let i = 0; i < n; i++) {
    const row = p.matrix[i] ?? [];
    // The row total covers every predicted class, also those beyond the drawn ones.
    const total = row.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    for (let j = 0; j < n; j++) {
      const v = row[j] ?? 0;
      const share = total > 0 && Number.isFinite(v) ? v / total : 0;
      const [x, y] = [labelW + j * cell, top + i * cell];
      const big = cell >= 44;
      const cls = `c-cell${share > 0.6 ? ' c-on-dark' : ''}`;
      const tip = `true ${classes[i]}, predicted ${classes[j]}: ${fmtCount(v)} (${total > 0 ? fmtPct(share) : 'no rows'} of the true class)`;
      cells.push(
        <g>
          <title>{tip}</title>
          <rect class="c-cellbg" x={px(x)} y={px(y)} width={cell} height={cell} />
          <rect
            class={i === j ? 'c-diag' : 'c-off'}
            x={px(x)}
            y={px(y)}
            width={cell}
            height={cell}
            fill-opacity={px(Math.max(0, Math.min(1, share)) * 0.92)}
          />
          {(cell >= 28 || v !== 0) && (
            <Text x={x + cell / 2} y={y + cell / 2 + (big ? -1 : 4)} class={cls} text-anchor="middle" font-size={cell < 30 ? 9 : undefined}>
              {fmtCount(v)}
            </Text>
          )}
          {big && total > 0 && (
            <Text x={x + cell / 2} y={y + cell / 2 + 13} class={`${cls} c-small`} text-anchor="middle">
              {fmtPct(share)}
            </Text>
          )}
        </g>,
      );
    }
  }
  // Axis labels: true classes on the left, predicted classes below (rotated when they are long).
  const labels = classes.map((label, i) => {
    const cx = labelW + i * cell + cell / 2;
    const y = top + n * cell + 12;
    return [
      <g>
        <title>{label}</title>
        <Text x={labelW - 6} y={top + i * cell + cell / 2 + 4} text-anchor="end">
          {clip(label, 18)}
        </Text>
      </g>,
      <g>
        <title>{label}</title>
        <Text x={cx} y={y} text-anchor={rotate ? 'end' : 'middle'} transform={rotate ? `rotate(-40 ${px(cx)} ${px(y)})` : undefined}>
          {clip(label, 18)}
        </Text>
      </g>,
    ];
  });
  const midY = top + (n * cell) / 2;
  return (
    <Svg width={W} height={H} label={`Confusion matrix${nAll > n ? ` (first ${n} of ${nAll} classes)` : ''}`}>
      {cells}
      {labels}
      <Text x={labelW + (n * cell) / 2} y={H - 4} class="c-text c-strong" text-anchor="middle">
        predicted
      </Text>
      <Text x={10} y={midY} class="c-text c-strong" text-anchor="middle" transform={`rotate(-90 10 ${px(midY)})`}>
        true
      </Text>
    </Svg>
  );
}
