/**
 * Categorical drift tests.
 *
 * chi-square: scipy.stats.chi2_contingency on the 2×k table [reference counts; current counts]
 * over the union of categories seen in either sample. Unseen categories: a category that appears
 * only in the current data gets a reference count of 0 — it stays in the table (its column total
 * is positive, so its expected counts are too) and contributes strongly to the statistic, which is
 * the point: a brand-new category is drift. Categories absent from both samples are not columns.
 * Yates' continuity correction applies only when dof = 1 (k = 2), as scipy does; with a single
 * category overall (dof = 0) the statistic is 0 and p = 1.
 *
 * proportion z-test (Evidently's z_stat_test, for ≤ 2 unique values): two-sample z statistic for the
 * share of the first category, two-sided p = 2·norm.sf(|z|); identical constant samples give p = 1.
 */
import { chi2Sf, normalSf } from './special';

export type Category = string | number | boolean;

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
  categories: string[];
  /** Categories present in the current data but never in the reference. */
  unseenInReference: string[];
}

export function countCategories(values: ArrayLike<Category | null | undefined>): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    const key = String(v);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Sorted union of categories (string order, so results do not depend on input order). */
function categoryUnion(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}

export function chiSquareTest(
  reference: ArrayLike<Category | null | undefined>,
  current: ArrayLike<Category | null | undefined>,
): ChiSquareResult {
  const ref = countCategories(reference);
  const cur = countCategories(current);
  const categories = categoryUnion(ref, cur);
  const unseenInReference = categories.filter((c) => !ref.has(c));
  return {
    ...chi2Contingency2xK(
      categories.map((c) => ref.get(c) ?? 0),
      categories.map((c) => cur.get(c) ?? 0),
    ),
    categories,
    unseenInReference,
  };
}

/** scipy.stats.chi2_contingency(correction=True) for a 2×k table given as two rows of counts. */
export function chi2Contingency2xK(row1: number[], row2: number[]): { statistic: number; pValue: number; dof: number } {
  const k = row1.length;
  const rows = [row1, row2];
  const rowTotals = rows.map((r) => r.reduce((s, v) => s + v, 0));
  const colTotals = row1.map((v, j) => v + (row2[j] as number));
  const total = (rowTotals[0] as number) + (rowTotals[1] as number);
  if (total === 0) throw new Error('chi-square: empty table');
  for (const t of [...rowTotals, ...colTotals]) {
    if (t === 0) throw new Error('chi-square: an expected frequency is zero (an empty sample or category)');
  }
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  let stat = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < k; j++) {
      const expected = ((rowTotals[i] as number) * (colTotals[j] as number)) / total;
      let observed = (rows[i] as number[])[j] as number;
      if (dof === 1) {
        const diff = expected - observed;
        observed += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      stat += (observed - expected) ** 2 / expected;
    }
  }
  return { statistic: stat, pValue: chi2Sf(stat, dof), dof };
}

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

export function proportionZTest(
  reference: ArrayLike<Category | null | undefined>,
  current: ArrayLike<Category | null | undefined>,
): ZTestResult {
  const ref = countCategories(reference);
  const cur = countCategories(current);
  const categories = categoryUnion(ref, cur);
  if (ref.size === 1 && cur.size === 1 && categories.length === 1) return { statistic: 0, pValue: 1 };
  const key = categories[0] as string;
  const n1 = [...ref.values()].reduce((s, v) => s + v, 0);
  const n2 = [...cur.values()].reduce((s, v) => s + v, 0);
  const p1 = (ref.get(key) ?? 0) / n1;
  const p2 = (cur.get(key) ?? 0) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * normalSf(Math.abs(z)) };
}
