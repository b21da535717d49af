/**
 * Curve helpers shared by the ROC and threshold charts: validation with a reason, the trapezoidal
 * area (sklearn's `auc`) and downsampling that keeps both ends (charts draw ≤ 500 points; areas
 * are computed on the full curve).
 */
import { fmtNum } from '../format';

export const MAX_ROC_POINTS = 500;

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

/** Indices of at most `max` points, evenly spaced along the index, always keeping both ends. */
export function downsampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
}

/** At most `max` points of a ROC curve, evenly spaced along the curve's index, both ends kept. */
export function downsampleCurve(c: Curve, max = MAX_ROC_POINTS): { fpr: number[]; tpr: number[] } {
  const idx = downsampleIndices(c.fpr.length, max);
  return { fpr: idx.map((i) => c.fpr[i] ?? 0), tpr: idx.map((i) => c.tpr[i] ?? 0) };
}
