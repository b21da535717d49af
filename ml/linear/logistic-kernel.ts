/**
 * The logistic loss and its gradient over a range of rows: the one piece of arithmetic both the
 * calling thread and the worker thread run (the worker gets this function's source text, so the
 * two can never differ). It must stay self-contained: no imports, no closures, no nested
 * functions, nothing but its arguments and Math.
 *
 * Parameters p hold k rows of `stride` = cols + 1 values (weights in full column order, then the
 * intercept); k = 1 is the binary model (sigmoid of the positive class's logit), k ≥ 3 softmax.
 * Writes Σ_rows sw_i · ∂loss_i/∂p into `grad` (zeroed first) and returns Σ_rows sw_i · loss_i:
 * no averaging, no penalty — the caller adds those once for all threads.
 */
export function logisticRange(
  data: Float64Array,
  dc: number,
  denseCol: Int32Array,
  blockOff: Int32Array,
  blockIdx: Int32Array[],
  y: Float64Array,
  sw: Float64Array | null,
  p: Float64Array,
  stride: number,
  k: number,
  start: number,
  end: number,
  grad: Float64Array,
  z: Float64Array,
): number {
  grad.fill(0);
  const nb = blockIdx.length;
  const cols = stride - 1;
  let loss = 0;
  for (let i = start; i < end; i++) {
    const o = i * dc;
    const w = sw === null ? 1 : (sw[i] as number);
    const t = y[i] as number;
    if (k === 1) {
      let s = p[cols] as number;
      for (let j = 0; j < dc; j++) s += (p[denseCol[j] as number] as number) * (data[o + j] as number);
      for (let b = 0; b < nb; b++) {
        const v = (blockIdx[b] as Int32Array)[i] as number;
        if (v >= 0) s += p[(blockOff[b] as number) + v] as number;
      }
      // log(1 + e^s) − t·s and the sigmoid, stably, from one exponential.
      const e = Math.exp(s > 0 ? -s : s);
      loss += w * ((s > 0 ? s : 0) + Math.log1p(e) - t * s);
      const err = w * ((s >= 0 ? 1 / (1 + e) : e / (1 + e)) - t);
      grad[cols] = (grad[cols] as number) + err;
      for (let j = 0; j < dc; j++) {
        const c = denseCol[j] as number;
        grad[c] = (grad[c] as number) + err * (data[o + j] as number);
      }
      for (let b = 0; b < nb; b++) {
        const v = (blockIdx[b] as Int32Array)[i] as number;
        if (v >= 0) {
          const c = (blockOff[b] as number) + v;
          grad[c] = (grad[c] as number) + err;
        }
      }
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const base = c * stride;
      let s = p[base + cols] as number;
      for (let j = 0; j < dc; j++) s += (p[base + (denseCol[j] as number)] as number) * (data[o + j] as number);
      for (let b = 0; b < nb; b++) {
        const v = (blockIdx[b] as Int32Array)[i] as number;
        if (v >= 0) s += p[base + (blockOff[b] as number) + v] as number;
      }
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((z[c] as number) - max);
    const lse = max + Math.log(sum);
    loss += w * (lse - (z[t] as number));
    for (let c = 0; c < k; c++) {
      const err = w * (Math.exp((z[c] as number) - lse) - (c === t ? 1 : 0));
      const base = c * stride;
      grad[base + cols] = (grad[base + cols] as number) + err;
      for (let j = 0; j < dc; j++) {
        const g = base + (denseCol[j] as number);
        grad[g] = (grad[g] as number) + err * (data[o + j] as number);
      }
      for (let b = 0; b < nb; b++) {
        const v = (blockIdx[b] as Int32Array)[i] as number;
        if (v >= 0) {
          const g = base + (blockOff[b] as number) + v;
          grad[g] = (grad[g] as number) + err;
        }
      }
    }
  }
  return loss;
}
