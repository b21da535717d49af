import { InputError } from '../../core/errors';
/**
 * L-BFGS minimisation of a smooth function (two-loop recursion, backtracking Armijo line search
 * with quadratic interpolation).
 * Deterministic: no randomness; the same inputs give the same iterates.
 */

/** Writes the gradient at x into `grad` and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when max |gradient component| ≤ this. */
  gradientTolerance: number;
  /** Stop when the relative decrease of f over one iteration is below this. */
  relativeTolerance?: number;
  /** History length; default 10. */
  memory?: number;
  onIteration?: (iteration: number, value: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** Objective evaluations (line-search trials included). */
  evaluations: number;
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
};

export function minimizeLbfgs(f: Objective, x0: Float64Array, o: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = o.memory ?? 10;
  const relTol = o.relativeTolerance ?? 1e-12;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let evaluations = 1;
  let fx = f(x, g);
  if (!Number.isFinite(fx)) throw new InputError('objective is not finite at the starting point');
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  for (let iter = 0; iter < o.maxIterations; iter++) {
    if (maxAbs(g) <= o.gradientTolerance) return { x, value: fx, iterations: iter, evaluations, converged: true };
    // Two-loop recursion: dir = -H·g.
    for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
    const k = sHist.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = (rhoHist[j] as number) * dot(sHist[j] as Float64Array, dir);
      alpha[j] = a;
      const yj = yHist[j] as Float64Array;
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) - a * (yj[i] as number);
    }
    const gamma =
      k > 0
        ? dot(sHist[k - 1] as Float64Array, yHist[k - 1] as Float64Array) / dot(yHist[k - 1] as Float64Array, yHist[k - 1] as Float64Array)
        : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) * gamma;
    for (let j = 0; j < k; j++) {
      const b = (rhoHist[j] as number) * dot(yHist[j] as Float64Array, dir);
      const sj = sHist[j] as Float64Array;
      const a = alpha[j] as number;
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) + (a - b) * (sj[i] as number);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      for (let i = 0; i < n; i++) dir[i] = -(g[i] as number) / Math.max(1, maxAbs(g));
      slope = dot(g, dir);
      sHist.length = yHist.length = rhoHist.length = 0;
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (dir[i] as number);
      fNew = f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) break;
      // Minimum of the parabola through f(x), its slope and f at this step, kept within
      // [0.1, 0.5] × step: usually one retry instead of several halvings.
      const next = Number.isFinite(fNew) ? (-slope * step * step) / (2 * (fNew - fx - slope * step)) : 0.1 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, next));
    }
    if (!(fNew <= fx)) return { x, value: fx, iterations: iter, evaluations, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (sHist.length === m) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
      sHist.push(s);
      yHist.push(y);
      rhoHist.push(1 / sy);
    }
    const decrease = fx - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    o.onIteration?.(iter + 1, fx);
    if (decrease <= relTol * Math.max(Math.abs(fx), 1)) return { x, value: fx, iterations: iter + 1, evaluations, converged: true };
  }
  return { x, value: fx, iterations: o.maxIterations, evaluations, converged: maxAbs(g) <= o.gradientTolerance };
}
