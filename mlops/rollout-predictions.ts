/**
 * Judging a rollout candidate by what it predicted (pure), from the prediction log rather than the
 * servers' counters: the candidate's answers against the stable version's over the same period.
 *   - distribution drift: the candidate's predictions vs the stable version's. Classification: the
 *     total variation distance between the predicted-class shares, significant by a chi-square test
 *     of the 2×k table; regression: the Kolmogorov–Smirnov statistic of the predicted values, with its
 *     p-value. A breach needs both: the distance above maxPredictionDrift AND p below
 *     PREDICTION_DRIFT_ALPHA, so a small window's sampling noise never rolls a good candidate back;
 *   - agreement: rows both versions scored (same request id and row: shadow copies, or pinned
 *     requests) whose answers differ, as a share of the pairs (label, or value beyond 1e-9 relative).
 * Each is judged only with at least minRequests rows on each side (pairs for agreement).
 */
import { chi2Contingency2xK, ks2samp } from '../ml/drift';
import type { Guards } from './rollout-plan';

/** Significance a drift must reach to count (with the distance over the guard). */
export const PREDICTION_DRIFT_ALPHA = 0.01;
/** Rows per side compared at most (the newest): bounds the check's cost on a busy model. */
export const MAX_COMPARED_ROWS = 5000;

/** One logged row's answer: `key` is request id + row index, `label` (classifiers) or `value` (regression). */
export interface LoggedAnswer {
  key: string;
  label?: string;
  value?: number;
}

export interface PredictionVerdict {
  stableRows: number;
  candidateRows: number;
  /** 'tv-distance' (classes) or 'ks' (values); absent when a side had too few rows to judge. */
  method?: 'tv-distance' | 'ks';
  drift?: number;
  pValue?: number;
  /** Rows both versions answered, and the share that differed. */
  pairs: number;
  disagreement?: number;
  breach?: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function sameAnswer(a: LoggedAnswer, b: LoggedAnswer): boolean {
  if (a.label !== undefined || b.label !== undefined) return a.label === b.label;
  const x = a.value ?? NaN;
  const y = b.value ?? NaN;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
}

function classDrift(stable: readonly LoggedAnswer[], cand: readonly LoggedAnswer[]): { drift: number; pValue: number } {
  const count = (rows: readonly LoggedAnswer[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r.label ?? '', (m.get(r.label ?? '') ?? 0) + 1);
    return m;
  };
  const s = count(stable);
  const c = count(cand);
  const classes = [...new Set([...s.keys(), ...c.keys()])].sort();
  let tv = 0;
  for (const k of classes) tv += Math.abs((s.get(k) ?? 0) / stable.length - (c.get(k) ?? 0) / cand.length);
  const test = chi2Contingency2xK(
    classes.map((k) => s.get(k) ?? 0),
    classes.map((k) => c.get(k) ?? 0),
  );
  return { drift: tv / 2, pValue: test.pValue };
}

function valueDrift(stable: readonly LoggedAnswer[], cand: readonly LoggedAnswer[]): { drift: number; pValue: number } {
  const finite = (rows: readonly LoggedAnswer[]): number[] => rows.map((r) => r.value ?? NaN).filter((v) => Number.isFinite(v));
  const a = finite(stable);
  const b = finite(cand);
  if (a.length === 0 || b.length === 0) return { drift: 0, pValue: 1 };
  const ks = ks2samp(a, b);
  return { drift: ks.statistic, pValue: ks.pValue };
}

/** Compare the candidate's logged answers with the stable version's (each newest first, capped at MAX_COMPARED_ROWS). */
export function judgePredictions(stable: readonly LoggedAnswer[], candidate: readonly LoggedAnswer[], g: Guards): PredictionVerdict {
  const s = stable.slice(0, MAX_COMPARED_ROWS);
  const c = candidate.slice(0, MAX_COMPARED_ROWS);
  const verdict: PredictionVerdict = { stableRows: s.length, candidateRows: c.length, pairs: 0 };
  // Agreement on every pair in the window (not only the capped sample).
  const byKey = new Map(stable.map((r) => [r.key, r]));
  let disagreed = 0;
  for (const r of candidate) {
    const other = byKey.get(r.key);
    if (!other) continue;
    verdict.pairs++;
    if (!sameAnswer(r, other)) disagreed++;
  }
  if (verdict.pairs > 0) verdict.disagreement = disagreed / verdict.pairs;
  const enough = Math.max(1, g.minRequests);
  if (s.length >= enough && c.length >= enough) {
    const classes = s.some((r) => r.label !== undefined) || c.some((r) => r.label !== undefined);
    const d = classes ? classDrift(s, c) : valueDrift(s, c);
    verdict.method = classes ? 'tv-distance' : 'ks';
    verdict.drift = d.drift;
    verdict.pValue = d.pValue;
    if (d.drift > g.maxPredictionDrift && d.pValue < PREDICTION_DRIFT_ALPHA)
      verdict.breach = `prediction distribution drift vs the stable version: ${classes ? 'class-share distance' : 'KS statistic'} ${d.drift.toFixed(3)} over ${c.length} candidate and ${s.length} stable rows exceeds ${g.maxPredictionDrift} (p = ${d.pValue.toExponential(2)})`;
  }
  if (
    verdict.breach === undefined &&
    verdict.disagreement !== undefined &&
    verdict.pairs >= enough &&
    verdict.disagreement > g.maxDisagreement
  )
    verdict.breach = `prediction agreement: the candidate disagreed with the stable version on ${pct(verdict.disagreement)} of ${verdict.pairs} rows both scored (logged), more than ${pct(g.maxDisagreement)}`;
  return verdict;
}
