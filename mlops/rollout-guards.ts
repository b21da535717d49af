/**
 * Judging a rollout window from the servers' per-version counters (pure). Every server keeps, per
 * rollout window, counters for the stable version's answers, the candidate's answers and the
 * candidate's shadow scorings, and publishes them (serve/rollout-stats.ts); a check sums what all
 * servers published and compares the candidate against the guards.
 */
import type { Guards } from './rollout-plan';

/** Upper bounds (ms) of the latency histogram buckets; the last bucket is everything above. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000] as const;

export interface RoleCounts {
  requests: number;
  /** Answers with status ≥ 500, or 400 from scoring (input the version could not take). */
  errors: number;
  /** Count per LATENCY_BUCKETS_MS bucket, plus one overflow bucket. */
  latency: number[];
  /** Shadow only: rows compared with the stable answer, and how many differed. */
  compared: number;
  disagreed: number;
}

export type Role = 'stable' | 'candidate' | 'shadow';
export type WindowCounts = Record<Role, RoleCounts>;

export const emptyCounts = (): RoleCounts => ({
  requests: 0,
  errors: 0,
  latency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
  compared: 0,
  disagreed: 0,
});
export const emptyWindow = (): WindowCounts => ({ stable: emptyCounts(), candidate: emptyCounts(), shadow: emptyCounts() });

export function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

export function addCounts(into: RoleCounts, c: RoleCounts): void {
  into.requests += c.requests;
  into.errors += c.errors;
  into.compared += c.compared;
  into.disagreed += c.disagreed;
  for (let i = 0; i < into.latency.length; i++) into.latency[i] = (into.latency[i] ?? 0) + (c.latency[i] ?? 0);
}

export function sumWindows(ws: readonly WindowCounts[]): WindowCounts {
  const total = emptyWindow();
  for (const w of ws) for (const role of ['stable', 'candidate', 'shadow'] as const) addCounts(total[role], w[role]);
  return total;
}

/** The p-quantile as the upper bound of its bucket (conservative); Infinity in the overflow bucket, 0 with no data. */
export function quantileMs(latency: readonly number[], p: number): number {
  const n = latency.reduce((a, b) => a + b, 0);
  if (n === 0) return 0;
  const rank = Math.ceil(p * n);
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    seen += latency[i] ?? 0;
    if (seen >= rank) return LATENCY_BUCKETS_MS[i] ?? Infinity;
  }
  return Infinity;
}

export interface Verdict {
  /** The candidate's requests in the window (shadow: scored copies). */
  samples: number;
  /** Enough samples to judge (guards.minRequests). */
  judged: boolean;
  errorRate: number;
  stableErrorRate: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  /** Shadow only. */
  disagreement?: number;
  /** Set when a guard failed: which and by how much. */
  breach?: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
/** A bucketed quantile as text: '≤ 20' (its bucket's upper bound), or '> 10000' in the overflow bucket. */
/** A threshold as given, at most 4 significant digits (2.9497336 → 2.95). */
const num = (x: number): string => String(Number(x.toPrecision(4)));
const bound = (ms: number): string => (ms === Infinity ? `> ${LATENCY_BUCKETS_MS.at(-1)}` : `≤ ${ms}`);

export function judgeWindow(shadow: boolean, w: WindowCounts, g: Guards): Verdict {
  const cand = shadow ? w.shadow : w.candidate;
  const rate = (c: RoleCounts): number => (c.requests === 0 ? 0 : c.errors / c.requests);
  const errorRate = rate(cand);
  const stableErrorRate = rate(w.stable);
  const latencyP95Ms = quantileMs(cand.latency, 0.95);
  const latencyP99Ms = quantileMs(cand.latency, 0.99);
  const disagreement = shadow ? (cand.compared === 0 ? 0 : cand.disagreed / cand.compared) : undefined;
  const verdict: Verdict = {
    samples: cand.requests,
    judged: cand.requests >= g.minRequests,
    errorRate,
    stableErrorRate,
    latencyP95Ms,
    latencyP99Ms,
    ...(disagreement !== undefined && { disagreement }),
  };
  if (!verdict.judged) return verdict;
  if (errorRate - stableErrorRate > g.maxErrorRate)
    verdict.breach = `error rate ${pct(errorRate)} over ${cand.requests} requests exceeds the stable version's ${pct(stableErrorRate)} by more than ${pct(g.maxErrorRate)}`;
  else if (latencyP95Ms > g.maxLatencyP95Ms)
    verdict.breach = `latency p95 ${bound(latencyP95Ms)} ms over ${cand.requests} requests exceeds ${num(g.maxLatencyP95Ms)} ms`;
  else if (latencyP99Ms > g.maxLatencyP99Ms)
    verdict.breach = `latency p99 ${bound(latencyP99Ms)} ms over ${cand.requests} requests exceeds ${num(g.maxLatencyP99Ms)} ms`;
  else if (disagreement !== undefined && disagreement > g.maxDisagreement)
    verdict.breach = `disagreement with the stable version ${pct(disagreement)} over ${cand.compared} rows exceeds ${pct(g.maxDisagreement)}`;
  return verdict;
}

/**
 * Which version answers a request: the candidate when the request's bucket (0..9999, from its
 * routing key) falls below the candidate's share. Deterministic and monotone: a key routed to the
 * candidate at 10 % stays there at 50 % and 100 %; the rollout id salts the hash so one key is not
 * always the first to get every rollout's candidate.
 */
export function routeBucket(salt: string, key: string): number {
  // FNV-1a, 32 bit: fast, good enough spread for a traffic split.
  let h = 0x811c9dc5;
  const text = `${salt}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so nearby keys (request-1, request-2) spread evenly.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  // `^` yields a signed 32-bit integer: back to unsigned, or half the keys hash negative and land
  // below every share (a 10 % canary took ~55 % of the traffic before this).
  return (h >>> 0) % 10000;
}

export const routesToCandidate = (salt: string, key: string, weightPercent: number): boolean =>
  routeBucket(salt, key) < Math.round(weightPercent * 100);
