/**
 * Two-thread logistic loss and gradient: a worker thread sums the first half of the rows while
 * this thread sums the second half, on SharedArrayBuffers; the halves are added in a fixed order,
 * so the result does not depend on timing. Synchronous (Atomics), as ../gbt/histogram-pool.ts,
 * so L-BFGS stays a plain loop. Both threads run the same function, compiled from the same source
 * text (logistic-source.ts).
 */
import { Worker } from 'node:worker_threads';
import type { Design } from './design';
import { compileLoss, type LossFunction } from './logistic-source';

// Control block (Int32): request sequence, finished sequence, stop flag, error flag.
const SEQ = 0;
const DONE = 1;
const STOP = 2;
const ERROR = 3;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const w = workerData;
const loss = new Function('return ' + w.source + ';')();
const ctrl = new Int32Array(w.ctrlBuf);
const data = new Float64Array(w.dataBuf);
const blockIdx = w.blockIdxBufs.map((b) => new Int32Array(b));
const y = new Float64Array(w.yBuf);
const sw = w.swBuf ? new Float64Array(w.swBuf) : null;
const p = new Float64Array(w.pBuf);
const grad = new Float64Array(w.gradBuf);
const out = new Float64Array(w.lossBuf);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  try {
    out[0] = loss(data, blockIdx, y, sw, p, 0, w.split, grad);
  } catch (err) {
    Atomics.store(ctrl, ${ERROR}, 1);
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

function shared<T extends Float64Array | Int32Array>(src: T): T {
  if (src.buffer instanceof SharedArrayBuffer && src.byteOffset === 0 && src.byteLength === src.buffer.byteLength) return src;
  const Ctor = src.constructor as { new (b: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(src.byteLength));
  out.set(src);
  return out;
}

/**
 * Rows below this are summed on the calling thread alone: waking the worker costs up to a
 * scheduler tick (~4 ms when the other core is busy), more than a whole pass over fewer rows.
 */
export const MIN_SHARED_ROWS = 100_000;

export class LogisticPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * 4));
  private readonly worker: Worker;
  private readonly p: Float64Array;
  private readonly gradWorker: Float64Array;
  private readonly lossWorker = new Float64Array(new SharedArrayBuffer(8));
  private readonly gradHere: Float64Array;
  private readonly loss: LossFunction;
  private readonly data: Float64Array;
  private readonly blockIdx: Int32Array[];
  private readonly split: number;
  private seq = 0;

  /** `source`: the loss function's text (logistic-source.ts); `size`: the number of parameters. */
  constructor(
    private readonly d: Design,
    private readonly y: Float64Array,
    private readonly sw: Float64Array | null,
    source: string,
    size: number,
  ) {
    this.loss = compileLoss(source);
    this.split = Math.floor(d.rows / 2);
    this.p = new Float64Array(new SharedArrayBuffer(size * 8));
    this.gradWorker = new Float64Array(new SharedArrayBuffer(size * 8));
    this.gradHere = new Float64Array(size);
    // The rows are copied once into shared memory (the fit evaluates the loss dozens of times).
    this.data = shared(d.data);
    this.blockIdx = d.blockIdx.map(shared);
    const yShared = shared(y);
    const swShared = sw ? shared(sw) : null;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        source,
        ctrlBuf: this.ctrl.buffer,
        dataBuf: this.data.buffer,
        blockIdxBufs: this.blockIdx.map((b) => b.buffer),
        yBuf: yShared.buffer,
        swBuf: swShared?.buffer ?? null,
        pBuf: this.p.buffer,
        gradBuf: this.gradWorker.buffer,
        lossBuf: this.lossWorker.buffer,
        split: this.split,
      },
    });
    this.worker.unref();
  }

  /** Σ sw·loss over every row; its gradient into `grad`. Same contract as the loss function over all rows. */
  evaluate(params: Float64Array, grad: Float64Array): number {
    const c = this.ctrl;
    this.p.set(params);
    this.seq++;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
    const d = this.d;
    const here = this.loss(this.data, this.blockIdx, this.y, this.sw, params, this.split, d.rows, this.gradHere);
    const deadline = Date.now() + 120_000;
    while (Atomics.load(c, DONE) !== this.seq) {
      if (Date.now() > deadline) throw new Error('logistic-regression worker thread did not answer within 120 s');
      Atomics.wait(c, DONE, Atomics.load(c, DONE), 1000);
    }
    if (Atomics.load(c, ERROR) === 1) throw new Error('logistic-regression worker thread failed');
    // First half (worker) + second half (here), always in this order.
    for (let j = 0; j < grad.length; j++) grad[j] = (this.gradWorker[j] as number) + (this.gradHere[j] as number);
    return (this.lossWorker[0] as number) + here;
  }

  close(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.store(this.ctrl, SEQ, ++this.seq);
    Atomics.notify(this.ctrl, SEQ);
    void this.worker.terminate();
  }
}
