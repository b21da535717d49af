/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, exactly as scipy.stats.ks_2samp(method='auto'):
 * D = max |F1 − F2| with right-continuous ECDFs over the pooled sample (ties handled);
 * exact p-value when max(n1, n2) ≤ 10000 (the statistic is then rounded to h / lcm(n1, n2), as scipy
 * does), otherwise kstwo.sf(D, round(n1·n2 / (n1 + n2))). If the exact computation is numerically
 * impossible scipy falls back to the asymptotic branch; so do we.
 */
import { kstwoSf } from './kstwo';

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}

export const KS_MAX_AUTO_N = 10_000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Number of elements of sorted `a` that are ≤ v (numpy searchsorted side='right'). */
function countLe(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** P(D_{n,n} ≥ h/n) (scipy `_compute_prob_outside_square`). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/** Proportion of lattice paths (0,0)→(m,n) leaving |x/m − y/n| < h/lcm (scipy `_compute_outer_prob_inside_method`). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(Math.max(lenA, n + 2)).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) for (let c = maxj - minj; c < maxj - minj + (lastlen - curlen); c++) A[c] = 1;
  }
  return A[maxj - minj - 1] as number;
}

function finiteSorted(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  if (out.some((v) => Number.isNaN(v))) throw new Error('ks_2samp: NaN in the data (drop missing values first)');
  return out.sort();
}

export function ks2samp(data1: ArrayLike<number>, data2: ArrayLike<number>): KsResult {
  const a = finiteSorted(data1);
  const b = finiteSorted(data2);
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('ks_2samp: both samples must be non-empty');
  let maxS = -Infinity;
  let minS = Infinity;
  for (const arr of [a, b]) {
    for (const v of arr) {
      const diff = countLe(a, v) / n1 - countLe(b, v) / n2;
      if (diff > maxS) maxS = diff;
      if (diff < minS) minS = diff;
    }
  }
  const minAbs = Math.min(Math.max(-minS, 0), 1);
  let d = minAbs > maxS ? minAbs : maxS;
  const g = gcd(n1, n2);
  if (Math.max(n1, n2) <= KS_MAX_AUTO_N) {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    const dExact = h / lcm;
    if (h === 0) return { statistic: dExact, pValue: 1, method: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(prob) && prob >= 0 && prob <= 1) return { statistic: dExact, pValue: prob, method: 'exact' };
    d = dExact;
  }
  const en = (n1 * n2) / (n1 + n2);
  const p = kstwoSf(d, roundHalfEven(en));
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}

/** numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
