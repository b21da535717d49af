/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, as
 * scipy.stats.kstwo.sf(x, n) computes it (scipy/stats/_ksstats.py, Simard & L'Ecuyer 2011):
 * Ruben–Gambino closed forms near the ends, 2·smirnov(n, x) for large x, the Durbin matrix
 * (Marsaglia–Tsang–Wang) or Pomeranz recursion for small n, Pelz–Good asymptotics for large n.
 * Used by ks_2samp's asymptotic branch (max(n1, n2) > 10000).
 */

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const MIN_LOG = -708;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** One-sided Smirnov survival function P(D_n^+ ≥ x) (scipy.special.smirnov), Birnbaum–Tingey sum. */
export function smirnovSf(n: number, x: number): number {
  if (n === 1) return 1 - x;
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const nx = n * x;
  const nxfl = Math.floor(nx);
  if (nxfl === 0 || (nxfl === 1 && nx === 1)) return 1 - x * Math.pow(1 + x, n - 1);
  if (-2 * n * x * x < -708.3964185322641) return 0;
  if (nxfl >= n - 1) return Math.pow(1 - x, n);
  if (n > 1_000_000) return Math.exp(-Math.pow(6 * n * x + 1, 2) / 18 / n);
  const last = Math.floor(n * (1 - x));
  let sum = 0;
  let logC = 0;
  for (let v = 0; v <= last; v++) {
    if (v > 0) logC += Math.log((n - v + 1) / v);
    const base2 = 1 - x - v / n;
    if (base2 <= 0) break;
    const t = logC + (n - v) * Math.log(base2) + (v - 1) * Math.log(x + v / n);
    const term = Math.exp(t);
    sum += term;
    if (v > n / 2 && term < sum * 1e-18) break;
  }
  return clip(x * sum);
}

function kolmognDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array[] = Array.from({ length: m }, () => new Float64Array(m));
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) (H[r] as Float64Array)[i] = w[r - i + 1] as number;
  for (let r = 0; r < m; r++) (H[r] as Float64Array)[0] = v[r] as number;
  for (let c = 0; c < m; c++) (H[m - 1] as Float64Array)[c] = v[m - 1 - c] as number;

  const matmul = (A: Float64Array[], B: Float64Array[]): Float64Array[] => {
    const out = Array.from({ length: m }, () => new Float64Array(m));
    for (let i = 0; i < m; i++) {
      const Ai = A[i] as Float64Array;
      const Oi = out[i] as Float64Array;
      for (let l = 0; l < m; l++) {
        const a = Ai[l] as number;
        if (a === 0) continue;
        const Bl = B[l] as Float64Array;
        for (let j = 0; j < m; j++) Oi[j] = (Oi[j] as number) + a * (Bl[j] as number);
      }
    }
    return out;
  };
  let Hpwr: Float64Array[] = Array.from({ length: m }, (_, i) => {
    const row = new Float64Array(m);
    row[i] = 1;
    return row;
  });
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H);
      expnt += Hexpnt;
    }
    H = matmul(H, H);
    Hexpnt *= 2;
    if (Math.abs((H[k - 1] as Float64Array)[k - 1] as number) > EP128) {
      for (const row of H) for (let j = 0; j < m; j++) row[j] = (row[j] as number) / EP128;
      Hexpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = (Hpwr[k - 1] as Float64Array)[k - 1] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p *= 2 ** expnt;
  return clip(p);
}

function kolmognPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const mm = 2 * k - 1;
    const m2 = mm ** 2;
    const m4 = mm ** 4;
    const m6 = mm ** 6;
    const qp = Math.pow(q, 8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = (K[i] as number) * qp + (coeffs[i] as number);
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = ((K[i] as number) * q * SQRT2PI) / (div[i] as number);
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ks2 = k * k;
    const qp = Math.pow(q, ks2);
    k2extra += ks2 * qp;
    const kspi = Math.PI * k;
    k3extra += (SQRT3 * z + kspi) * (SQRT3 * z - kspi) * ks2 * qp;
  }
  K[2] = (K[2] as number) + (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] = (K[3] as number) + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (K[i] as number) / Math.pow(n, i / 2);
  return sum;
}

export { kolmognPelzGood, kolmognDMTW };
