/**
 * The protocol between histogram-pool.ts and its worker thread: a control block of Int32 words on
 * a SharedArrayBuffer (requests, claims, completion), and the worker's source text, which runs
 * ./accumulate.ts's and ./binary-gradients.ts's functions from their source.
 */
import { ACCUMULATE_SOURCE } from './accumulate';
import { BINARY_GRADIENTS_SOURCE } from './binary-gradients';
import { instantiateKernels } from './kernels/memory';
import { HB } from './splitting';

// Control block (Int32): the request sequence, the finished sequence, request fields, error flag, the next unit to take.
export const SEQ = 0;
export const START = 2;
export const END = 3;
export const IDENTITY = 4;
/** The request's unit count (two: the halves of the rows, for every job). */
export const UNITS = 5;
export const STOP = 6;
export const ERROR = 7;
/** (request sequence mod 2^15) << 16 | next unit: a claim is valid only for the current request. */
export const NEXT = 8;
/** Units finished for the current request, by either thread. */
export const FINISHED = 9;
/** The request's job: 0 histograms, 1 partition, 2 binary gradients, 3 leaf values (units = the two halves of the rows). */
export const JOB = 10;
/** The first row of the second half; partition: the split's feature and each half's left count. */
export const FEATURE = 11;
export const MID = 12;
export const LEFT0 = 13;
/** Leaf values: the number of leaves in the shared leaf table. */
export const LEAVES = 15;
/** Histograms and partitions: the index array holding the node's rows (grower.ts IndexBuffer). */
export const BUF = 16;
/** Partition: the split's left count (where the right side starts). */
export const NLEFT = 17;
export const CTRL_INTS = 32;
/**
 * Claims the next unit of request `seq` (compare-and-swap on the claim word); −1 when all are
 * taken or the request is no longer the current one. Mirrored in WORKER_SOURCE.
 */
export function claim(ctrl: Int32Array, seq: number, d: number): number {
  const tag = (seq & 0x7fff) << 16;
  for (;;) {
    const v = Atomics.load(ctrl, NEXT);
    const f = v & 0xffff;
    if ((v & ~0xffff) !== tag || f >= d) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) === v) return f;
  }
}

/** How long a thread spins for the other's next step before sleeping: see spinWhile. */
export const SPIN_MS = 0.2;

/**
 * Spins up to `ms` while ctrl[at] is `value`. Requests follow each other within a few hundred
 * microseconds while a tree grows; sleeping and being woken for each cost a futex round trip and,
 * on a busy machine, a wake-up that preempts the waker (profiled: a sixth of the fit in
 * publish/wait). Mirrored in WORKER_SOURCE (self-contained for that).
 */
export function spinWhile(ctrl: Int32Array, at: number, value: number, ms: number): void {
  const until = performance.now() + ms;
  for (let k = 1; Atomics.load(ctrl, at) === value; k++) if ((k & 1023) === 0 && performance.now() > until) return;
}

/**
 * The worker's loop: ./accumulate.ts's functions, from their source, inside functions (top-level
 * script code reads its bindings through the script context; profiled, the old top-level loop took
 * 27 s for its three features where this thread took 7 s for the other three, partly because
 * those had few bins).
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
// esbuild (tsx) wraps named functions in __name(...) to keep their names; a no-op here.
const __name = (f) => f;
${ACCUMULATE_SOURCE}
${BINARY_GRADIENTS_SOURCE}
${spinWhile.toString()}
${instantiateKernels.toString()}
function serve({ ctrl, module, memory, units, bins, colBins, index, alt, table, gh, hists, raw, y, w, exp, leaves, d, n }) {
  // This thread's own instance of the kernels, on the fit's memory.
  const k = instantiateKernels(memory, module);
  let seen = 0;
  for (;;) {
    spinWhile(ctrl, ${SEQ}, seen, ${SPIN_MS});
    Atomics.wait(ctrl, ${SEQ}, seen);
    seen = Atomics.load(ctrl, ${SEQ});
    if (Atomics.load(ctrl, ${STOP}) === 1) break;
    // Take units while this request is the current one; this thread may wake after the caller
    // did every unit itself (then it finds none), even after later requests were published.
    const tag = (seen & 0x7fff) << 16;
    for (;;) {
      const v = Atomics.load(ctrl, ${NEXT});
      const count = ctrl[${UNITS}];
      const u = v & 0xffff;
      if ((v & ~0xffff) !== tag || u >= count) break;
      if (Atomics.compareExchange(ctrl, ${NEXT}, v, v + 1) !== v) continue;
      // Claimed: the request's fields stay as they are until its every unit is finished.
      try {
        if (ctrl[${JOB}] === 3) {
          addLeafRange(k, leaves, ctrl[${LEAVES}], index, alt, raw, u === 0 ? 0 : ctrl[${MID}], u === 0 ? ctrl[${MID}] : n);
        } else if (ctrl[${JOB}] === 2) {
          binaryGradients(k, raw, y, w, u === 0 ? 0 : ctrl[${MID}], u === 0 ? ctrl[${MID}] : n, gh, exp);
        } else if (ctrl[${JOB}] === 1) {
          const start = ctrl[${START}], mid = ctrl[${MID}], end = ctrl[${END}], split = start + ctrl[${NLEFT}];
          const src = ctrl[${BUF}] === 1 ? alt : index, dst = ctrl[${BUF}] === 1 ? index : alt, col = ctrl[${FEATURE}] * n;
          ctrl[${LEFT0} + u] = partitionHalf(k, colBins, col, src, dst, { start, mid, end, split }, u, table);
        } else {
          const src = ctrl[${BUF}] === 1 ? alt : index;
          const lo = u === 0 ? ctrl[${START}] : ctrl[${MID}], hi = u === 0 ? ctrl[${MID}] : ctrl[${END}];
          accumulateUnits(k, bins, d, src, gh, lo, hi, ctrl[${IDENTITY}] === 1, units, 0, units.length / 6, ${HB}, hists[u]);
        }
      } catch (err) {
        Atomics.store(ctrl, ${ERROR}, 1);
      }
      Atomics.add(ctrl, ${FINISHED}, 1);
      Atomics.notify(ctrl, ${FINISHED});
    }
  }
}
serve(workerData);
`;
