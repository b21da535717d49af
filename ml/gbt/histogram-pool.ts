/**
 * Two-thread tree growing for gradient boosting, on SharedArrayBuffers:
 *  - histograms: this thread and a worker thread take the node's work units (a few features,
 *    one pass over the rows each, ./units.ts) from a claim word tagged with the request's
 *    sequence, so neither waits for the other to wake and a late worker finds nothing to do;
 *    both write one shared node histogram, copied out at the end;
 *  - partitions: each thread partitions one half of the node's rows, and the halves are joined
 *    in the single-threaded stable order;
 *  - binary log-loss gradients: each thread computes one half of the rows;
 *  - leaf values (binary log loss): each thread adds the values of one half of the index positions.
 * Synchronous (Atomics), so the tree grower stays a plain loop. Each feature is summed by one
 * thread in row order and the row order of every node is the same, so the models are identical
 * to the single-threaded ones, bit for bit.
 */
import { Worker } from 'node:worker_threads';
import { ACCUMULATE_SOURCE, addLeafRange, partitionRange } from './accumulate';
import { BINARY_GRADIENTS_SOURCE, binaryGradients } from './binary-gradients';
import { sharedFloat64, type BinaryTargets } from './shared-arrays';
import { accumulateFeatures, HB, leafTable, type GrowInput, type GrownTree, type HistogramBuilder } from './grower';

// Control block (Int32): the request sequence, the finished sequence, request fields, error flag, the next feature to take.
const SEQ = 0;
const START = 2;
const END = 3;
const IDENTITY = 4;
const FEATURES = 5;
const STOP = 6;
const ERROR = 7;
/** (request sequence mod 2^15) << 16 | next feature: a claim is valid only for the current request. */
const NEXT = 8;
/** Features finished for the current request, by either thread. */
const FINISHED = 9;
/** The request's job: 0 histograms (units of features), 1 partition, 2 binary gradients, 3 leaf values (units = the two halves of the rows). */
const JOB = 10;
/** Partition: the feature, the first row of the second half, and each half's left count. */
const FEATURE = 11;
const MID = 12;
const LEFT0 = 13;
/** Leaf values: the number of leaves in the shared leaf table. */
const LEAVES = 15;
/** Features per request: the claim word holds its units (at most one per feature, ./units.ts) in its low 16 bits. */
export const MAX_POOL_FEATURES = 0xffff;

/**
 * Claims the next feature of request `seq` (compare-and-swap on the claim word); −1 when all are
 * taken or the request is no longer the current one. Mirrored in the worker source below.
 */
function claim(ctrl: Int32Array, seq: number, d: number): number {
  const tag = (seq & 0x7fff) << 16;
  for (;;) {
    const v = Atomics.load(ctrl, NEXT);
    const f = v & 0xffff;
    if ((v & ~0xffff) !== tag || f >= d) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) === v) return f;
  }
}

/** How long a thread spins for the other's next step before sleeping: see spinWhile. */
const SPIN_MS = 0.2;

/**
 * Spins up to `ms` while ctrl[at] is `value`. Requests follow each other within a few hundred
 * microseconds while a tree grows; sleeping and being woken for each cost a futex round trip and,
 * on a busy machine, a wake-up that preempts the waker (profiled: a sixth of the fit in
 * publish/wait). Mirrored in the worker source below (self-contained for that).
 */
function spinWhile(ctrl: Int32Array, at: number, value: number, ms: number): void {
  const until = performance.now() + ms;
  for (let k = 1; Atomics.load(ctrl, at) === value; k++) if ((k & 1023) === 0 && performance.now() > until) return;
}

/**
 * The worker's loop: ./accumulate.ts's functions, from their source, inside functions (top-level
 * script code reads its bindings through the script context; profiled, the old top-level loop took
 * 27 s for its three features where this thread took 7 s for the other three, partly because
 * those had few bins).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
// esbuild (tsx) wraps named functions in __name(...) to keep their names; a no-op here.
const __name = (f) => f;
${ACCUMULATE_SOURCE}
${BINARY_GRADIENTS_SOURCE}
${spinWhile.toString()}
function serve({ ctrlBuf, unitsBuf, binsBuf, colBinsBuf, indexBuf, scratchBuf, tableBuf, ghBuf, histBuf, rawBuf, yBuf, wBuf, leafBuf, d, n }) {
  const ctrl = new Int32Array(ctrlBuf);
  const bins = new Uint8Array(binsBuf);
  const units = new Int32Array(unitsBuf);
  const colBins = new Uint8Array(colBinsBuf);
  const index = new Uint32Array(indexBuf);
  const scratch = new Uint32Array(scratchBuf);
  const table = new Uint8Array(tableBuf);
  const gh = new Float32Array(ghBuf);
  const hist = new Float64Array(histBuf);
  const raw = rawBuf && new Float64Array(rawBuf);
  const y = yBuf && new Float64Array(yBuf);
  const w = wBuf && new Float64Array(wBuf);
  const leaves = new Float64Array(leafBuf);
  let seen = 0;
  for (;;) {
    spinWhile(ctrl, ${SEQ}, seen, ${SPIN_MS});
    Atomics.wait(ctrl, ${SEQ}, seen);
    seen = Atomics.load(ctrl, ${SEQ});
    if (Atomics.load(ctrl, ${STOP}) === 1) break;
    // Take features while this request is the current one; this thread may wake after the caller
    // did every feature itself (then it finds none), even after later requests were published.
    const tag = (seen & 0x7fff) << 16;
    for (;;) {
      const v = Atomics.load(ctrl, ${NEXT});
      const count = ctrl[${FEATURES}];
      const u = v & 0xffff;
      if ((v & ~0xffff) !== tag || u >= count) break;
      if (Atomics.compareExchange(ctrl, ${NEXT}, v, v + 1) !== v) continue;
      // Claimed: the request's fields stay as they are until its every feature is finished.
      try {
        if (ctrl[${JOB}] === 3) {
          addLeafRange(leaves, ctrl[${LEAVES}], index, raw, u === 0 ? 0 : ctrl[${MID}], u === 0 ? ctrl[${MID}] : n);
        } else if (ctrl[${JOB}] === 2) {
          binaryGradients(raw, y, w, u === 0 ? 0 : ctrl[${MID}], u === 0 ? ctrl[${MID}] : n, gh);
        } else if (ctrl[${JOB}] === 1) {
          const start = ctrl[${START}], mid = ctrl[${MID}], end = ctrl[${END}];
          const lo = u === 0 ? start : mid, hi = u === 0 ? mid : end;
          ctrl[${LEFT0} + u] = partitionRange(colBins, ctrl[${FEATURE}] * n, index, scratch, lo, hi, lo - start, table);
        } else {
          accumulateUnits(bins, d, index, gh, ctrl[${START}], ctrl[${END}], ctrl[${IDENTITY}] === 1, units, u, u + 1, ${HB}, hist);
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

/** Nodes with fewer rows than this are built on the calling thread alone: measured on 2 cores, 30 trees at 200k rows took 1.4 s with this vs 3.5 s handing every node off (1.6 s on one thread); at 1M rows 5.6 s either way (7.1 s on one thread). */
export const MIN_SHARED_ROWS = 10_000;

export class HistogramPool implements HistogramBuilder {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
  /** The node histogram both threads write (each feature's block by one thread). */
  private readonly nodeHist: Float64Array;
  /** The partition's goesLeft table (per bin). */
  private readonly table = new Uint8Array(new SharedArrayBuffer(256));
  /** A tree's leaves for addLeafValues (grower.ts `leafTable`). */
  private readonly leaves: Float64Array;
  private readonly worker: Worker;
  private seq = 0;

  /**
   * `inp`'s bins, rowBins, index, scratch and gradHess must be on SharedArrayBuffers, and so must
   * `binary`'s arrays (binary log loss: the raw scores, targets and weights `gradients` reads).
   */
  constructor(
    inp: GrowInput,
    private readonly binary?: BinaryTargets,
    maxLeaves = 0,
  ) {
    this.nodeHist = sharedFloat64(inp.cols * HB);
    this.leaves = sharedFloat64(3 * maxLeaves);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ctrlBuf: this.ctrl.buffer,
        unitsBuf: inp.units.buffer,
        binsBuf: inp.rowBins.buffer,
        colBinsBuf: inp.bins.buffer,
        indexBuf: inp.index.buffer,
        scratchBuf: inp.scratch.buffer,
        tableBuf: this.table.buffer,
        n: inp.rows,
        ghBuf: inp.gradHess.buffer,
        histBuf: this.nodeHist.buffer,
        d: inp.cols,
        rawBuf: binary?.raw.buffer,
        yBuf: binary?.y.buffer,
        wBuf: binary?.w?.buffer,
        leafBuf: this.leaves.buffer,
      },
    });
    this.worker.unref();
  }

  build(inp: GrowInput, start: number, end: number, identity: boolean, hist: Float64Array): void {
    // Waking the other thread costs up to a scheduler tick (~4 ms when the second core is busy):
    // more than a small node's whole histogram. Small nodes stay on this thread.
    if (end - start < MIN_SHARED_ROWS) {
      accumulateFeatures(inp, start, end, identity, 0, inp.units.length / 6, hist);
      return;
    }
    const units = inp.units.length / 6;
    this.publish(0, start, end, units, (c) => (c[IDENTITY] = identity ? 1 : 0));
    for (let u = claim(this.ctrl, this.seq, units); u >= 0; u = claim(this.ctrl, this.seq, units)) {
      accumulateFeatures(inp, start, end, identity, u, u + 1, this.nodeHist);
      Atomics.add(this.ctrl, FINISHED, 1);
    }
    this.waitFinished(units);
    hist.set(this.nodeHist);
  }

  /**
   * The two halves of the rows partitioned by the two threads (either may take both), then
   * joined: first half's left, second half's left, first half's right, second half's right —
   * the single-threaded stable order.
   */
  partition(inp: GrowInput, start: number, end: number, feature: number, goesLeft: Uint8Array): number {
    const { bins, rows: n, index, scratch } = inp;
    if (end - start < 2 * MIN_SHARED_ROWS) {
      const l = start + partitionRange(bins, feature * n, index, scratch, start, end, 0, goesLeft);
      index.set(scratch.subarray(0, end - l), l);
      return l;
    }
    const mid = start + ((end - start) >> 1);
    this.table.set(goesLeft);
    this.publish(1, start, end, 2, (c) => {
      c[FEATURE] = feature;
      c[MID] = mid;
    });
    const c = this.ctrl;
    for (let u = claim(c, this.seq, 2); u >= 0; u = claim(c, this.seq, 2)) {
      const lo = u === 0 ? start : mid;
      c[LEFT0 + u] = partitionRange(bins, feature * n, index, scratch, lo, u === 0 ? mid : end, lo - start, this.table);
      Atomics.add(c, FINISHED, 1);
    }
    this.waitFinished(2);
    const l0 = c[LEFT0] as number;
    const l1 = c[LEFT0 + 1] as number;
    const r0 = mid - start - l0;
    index.copyWithin(start + l0, mid, mid + l1);
    const l = start + l0 + l1;
    index.set(scratch.subarray(0, r0), l);
    index.set(scratch.subarray(mid - start, mid - start + (end - mid - l1)), l + r0);
    return l;
  }

  /** Binary log loss: the gradients and hessians of all rows into `inp.gradHess`, each thread taking one half of the rows. */
  gradients(inp: GrowInput): void {
    const b = this.binary;
    if (!b) throw new Error('this histogram pool was made without binary targets');
    this.halves(
      2,
      inp.rows,
      () => undefined,
      (lo, hi) => binaryGradients(b.raw, b.y, b.w, lo, hi, inp.gradHess),
    );
  }

  /**
   * Binary log loss: grower.ts `addLeafValues` with each thread taking one half of the index
   * positions; false for another raw-score array than the pool's, or more leaves than it holds.
   */
  addLeafValues(inp: GrowInput, grown: GrownTree, raw: Float64Array): boolean {
    if (raw !== this.binary?.raw || 3 * grown.leaves.length > this.leaves.length) return false;
    const count = leafTable(grown, this.leaves);
    this.halves(
      3,
      inp.rows,
      (c) => (c[LEAVES] = count),
      (lo, hi) => addLeafRange(this.leaves, count, inp.index, raw, lo, hi),
    );
    return true;
  }

  /** A job over 0..n−1 in two halves (split at MID), each taken by whichever thread claims it first. */
  private halves(job: 2 | 3, n: number, fields: (c: Int32Array) => void, run: (lo: number, hi: number) => void): void {
    const mid = n >> 1;
    this.publish(job, 0, n, 2, (c) => {
      c[MID] = mid;
      fields(c);
    });
    for (let u = claim(this.ctrl, this.seq, 2); u >= 0; u = claim(this.ctrl, this.seq, 2)) {
      run(u === 0 ? 0 : mid, u === 0 ? mid : n);
      Atomics.add(this.ctrl, FINISHED, 1);
    }
    this.waitFinished(2);
  }

  /** Publishes a request of `units` units to the worker (the claim word tagged with its sequence). */
  private publish(job: 0 | 1 | 2 | 3, start: number, end: number, units: number, fields: (c: Int32Array) => void): void {
    const c = this.ctrl;
    c[JOB] = job;
    c[START] = start;
    c[END] = end;
    c[FEATURES] = units;
    fields(c);
    Atomics.store(c, FINISHED, 0);
    this.seq++;
    Atomics.store(c, NEXT, (this.seq & 0x7fff) << 16);
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
  }

  /** This thread took units until none was left; now wait only for the ones the worker claimed. */
  private waitFinished(units: number): void {
    const c = this.ctrl;
    const deadline = Date.now() + 120_000;
    for (let done = Atomics.load(c, FINISHED); done < units; done = Atomics.load(c, FINISHED)) {
      spinWhile(c, FINISHED, done, SPIN_MS);
      if (Atomics.load(c, FINISHED) !== done) continue;
      if (Date.now() > deadline) throw new Error('gradient-boosting histogram worker did not answer within 120 s');
      Atomics.wait(c, FINISHED, done, 1000);
    }
    if (Atomics.load(c, ERROR) === 1) throw new Error('gradient-boosting histogram worker failed');
  }

  close(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.store(this.ctrl, SEQ, ++this.seq);
    Atomics.notify(this.ctrl, SEQ);
    void this.worker.terminate();
  }
}
