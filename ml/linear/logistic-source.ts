/**
 * The loss-and-gradient function of one fit, as JavaScript source text specialised to the
 * matrix's layout: for a binary model with up to MAX_UNROLLED dense columns, every column
 * index and block offset is a literal and the dense gradient is summed in local variables (about
 * twice as fast as the generic loop, measured at 1.5M rows × 4 dense columns + 2 blocks); other
 * shapes wrap the generic `logisticRange`. The calling thread compiles the text with `new
 * Function` and the worker thread evaluates the same text, so both run identical arithmetic.
 *
 * The function: (data, blocks, y, sw, p, start, end, grad) → Σ sw·loss over rows start…end−1,
 * with the same contract as `logisticRange` (grad zeroed first, no averaging, no penalty).
 */
import type { Design } from './design';
import { logisticRange } from './logistic-kernel';

export type LossFunction = (
  data: Float64Array,
  blocks: Int32Array[],
  y: Float64Array,
  sw: Float64Array | null,
  p: Float64Array,
  start: number,
  end: number,
  grad: Float64Array,
) => number;

export const MAX_UNROLLED = 64;

function binarySource(d: Design, weighted: boolean): string {
  const { dc, cols } = d;
  const dense = Array.from({ length: dc }, (_, j) => j);
  const blocks = Array.from(d.blockOff, (off, b) => ({ b, off }));
  const col = (j: number): number => d.denseCol[j] as number;
  const wsum = ['wb', ...dense.map((j) => `w${j} * x${j}`)].join(' + ');
  return `(function (data, blocks, y, sw, p, start, end, grad) {
  grad.fill(0);
  ${blocks.map(({ b }) => `const blk${b} = blocks[${b}];`).join(' ')}
  const wb = p[${cols}]; ${dense.map((j) => `const w${j} = p[${col(j)}];`).join(' ')}
  let loss = 0, gb = 0${dense.map((j) => `, g${j} = 0`).join('')};
  for (let i = start; i < end; i++) {
    const o = i * ${dc};
    ${dense.map((j) => `const x${j} = data[o + ${j}];`).join(' ')}
    ${blocks.map(({ b }) => `const c${b} = blk${b}[i];`).join(' ')}
    let s = ${wsum};
    ${blocks.map(({ b, off }) => `if (c${b} >= 0) s += p[${off} + c${b}];`).join('\n    ')}
    const t = y[i];
    const e = Math.exp(s > 0 ? -s : s);
    ${weighted ? 'const sw_i = sw[i];' : ''}
    loss += ${weighted ? 'sw_i * ' : ''}((s > 0 ? s : 0) + Math.log1p(e) - t * s);
    const err = ${weighted ? 'sw_i * ' : ''}((s >= 0 ? 1 / (1 + e) : e / (1 + e)) - t);
    gb += err;
    ${dense.map((j) => `g${j} += err * x${j};`).join(' ')}
    ${blocks.map(({ b, off }) => `if (c${b} >= 0) grad[${off} + c${b}] += err;`).join('\n    ')}
  }
  ${dense.map((j) => `grad[${col(j)}] = g${j};`).join(' ')}
  grad[${cols}] = gb;
  return loss;
})`;
}

function genericSource(d: Design, k: number): string {
  return `(function () {
  const logisticRange = ${logisticRange.toString()};
  const denseCol = Int32Array.of(${Array.from(d.denseCol).join(', ')});
  const blockOff = Int32Array.of(${Array.from(d.blockOff).join(', ')});
  const z = new Float64Array(${k});
  return function (data, blocks, y, sw, p, start, end, grad) {
    return logisticRange(data, ${d.dc}, denseCol, blockOff, blocks, y, sw, p, ${d.cols + 1}, ${k}, start, end, grad, z);
  };
})()`;
}

/** Source text of the loss function for this design, k weight rows (1: binary), weighted or not. */
export function lossSource(d: Design, k: number, weighted: boolean): string {
  return k === 1 && d.dc <= MAX_UNROLLED ? binarySource(d, weighted) : genericSource(d, k);
}

export function compileLoss(source: string): LossFunction {
  return new Function(`return ${source};`)() as LossFunction;
}
