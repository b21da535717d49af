/**
 * Two-thread tree growing for gradient boosting, on SharedArrayBuffers:
 *  - histograms: this thread and a worker thread each take one half of the node's rows (all
 *    features, grower.ts HALVES_MIN_ROWS) from a claim word tagged with the request's sequence,
 *    so neither waits for the other to wake and a late worker finds nothing to do; the halves'
 *    histograms are added at the end;
 *  - partitions: one thread partitions the lower half of the node's rows forward, the other the
 *    upper half backward, both straight into the other index array (accumulate.ts), where their
 *    sides meet in the single-threaded stable order;
 *  - binary log-loss gradients: each thread computes one half of the rows;
 *  - leaf values (binary log loss): each thread adds the values of one half of the index positions.
 * Synchronous (Atomics), so the tree grower stays a plain loop. Every sum is taken in the same
 * order as on one thread (grower.ts), so the models are identical to the single-threaded ones,
 * bit for bit.
 */
import { Worker } from 'node:worker_threads';
import { addLeafRange, partitionHalf } from './accumulate';
import { binaryGradients } from './binary-gradients';
import {
  BUF,
  claim,
  CTRL_INTS,
  END,
  FEATURE,
  FINISHED,
  IDENTITY,
  JOB,
  LEAVES,
  LEFT0,
  MID,
  NEXT,
  NLEFT,
  SEQ,
  spinWhile,
  SPIN_MS,
  START,
  STOP,
  UNITS,
  ERROR,
  WORKER_SOURCE,
} from './pool-protocol';
import type { BinaryTargets } from './binary-gradients';
import { kernelModule } from './kernels/memory';
import { accumulateHalf, leafTable, partitionOnThisThread, type GrowInput, type GrownTree, type HistogramBuilder } from './grower';
import { checkLeftCount, HALVES_MIN_ROWS, halfOf, indexArray, otherBuffer, type NodeRange } from './node-rows';

/**
 * Partitions of nodes with fewer rows than this run on the calling thread alone: waking the
 * other costs more than they do (measured for histograms at grower.ts HALVES_MIN_ROWS: 30 trees at
 * 200k rows took 1.4 s sharing only nodes of 10k rows or more vs 3.5 s handing every node off).
 */
export const MIN_SHARED_ROWS = 2 * HALVES_MIN_ROWS;

export class HistogramPool implements HistogramBuilder {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_INTS * 4));
  private readonly worker: Worker;
  private seq = 0;

  /**
   * `inp`'s arrays and `binary`'s (binary log loss: the raw scores, targets, weights and exp table
   * `gradients` reads) are on `memory` (kernels/memory.ts), where the worker's kernels see them too;
   * `inp.units` is on a SharedArrayBuffer.
   */
  constructor(
    inp: GrowInput,
    memory: WebAssembly.Memory,
    private readonly binary?: BinaryTargets,
  ) {
    // Typed arrays on shared memory arrive in the worker as views of the same memory, at the same offsets.
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ctrl: this.ctrl,
        module: kernelModule(),
        memory,
        units: inp.units,
        bins: inp.rowBins,
        colBins: inp.bins,
        index: inp.index,
        alt: inp.alt,
        table: inp.goesLeft,
        n: inp.rows,
        gh: inp.gradHess,
        hists: inp.halves,
        d: inp.cols,
        raw: binary?.raw,
        y: binary?.y,
        w: binary?.w,
        exp: binary?.exp,
        leaves: inp.leaves,
      },
    });
    this.worker.unref();
  }

  /** Each half of a large node's rows into `inp.halves`, by whichever thread claims it first. */
  sumHalves(inp: GrowInput, node: NodeRange, identity: boolean): void {
    this.publish(0, node.start, node.end, 2, (c) => {
      c[IDENTITY] = identity ? 1 : 0;
      c[BUF] = node.buf;
      c[MID] = halfOf(node);
    });
    for (let u = claim(this.ctrl, this.seq, 2); u >= 0; u = claim(this.ctrl, this.seq, 2)) {
      accumulateHalf(inp, node, identity, u);
      Atomics.add(this.ctrl, FINISHED, 1);
    }
    this.waitFinished(2);
  }

  /**
   * The lower half of the node's rows partitioned forward and the upper half backward, each by
   * whichever thread claims it first, straight into the other index array (see the module comment).
   */
  partition(inp: GrowInput, node: NodeRange, feature: number, goesLeft: Uint8Array, nLeft: number): void {
    const { start, end, buf } = node;
    if (end - start < 2 * MIN_SHARED_ROWS) {
      partitionOnThisThread(inp, node, feature, goesLeft, nLeft);
      return;
    }
    const mid = halfOf(node);
    const col = feature * inp.rows;
    const src = indexArray(inp, buf);
    const dst = indexArray(inp, otherBuffer(buf));
    const rows = { start, mid, end, split: start + nLeft };
    if (goesLeft !== inp.goesLeft) inp.goesLeft.set(goesLeft);
    this.publish(1, start, end, 2, (c) => {
      c[FEATURE] = feature;
      c[MID] = mid;
      c[BUF] = buf;
      c[NLEFT] = nLeft;
    });
    const c = this.ctrl;
    for (let u = claim(c, this.seq, 2); u >= 0; u = claim(c, this.seq, 2)) {
      c[LEFT0 + u] = partitionHalf(inp.kernels, inp.bins, col, src, dst, rows, u, inp.goesLeft);
      Atomics.add(c, FINISHED, 1);
    }
    this.waitFinished(2);
    checkLeftCount(nLeft, (c[LEFT0] as number) + (c[LEFT0 + 1] as number));
  }

  /** Binary log loss: the gradients and hessians of all rows into `inp.gradHess`, each thread taking one half of the rows. */
  gradients(inp: GrowInput): void {
    const b = this.binary;
    if (!b) throw new Error('this histogram pool was made without binary targets');
    this.halves(
      2,
      inp.rows,
      () => undefined,
      (lo, hi) => binaryGradients(inp.kernels, b.raw, b.y, b.w, lo, hi, inp.gradHess, b.exp),
    );
  }

  /**
   * Binary log loss: grower.ts `addLeafValues` with each thread taking one half of the index
   * positions; false for another raw-score array than the pool's, or more leaves than it holds.
   */
  addLeafValues(inp: GrowInput, grown: GrownTree, raw: Float64Array): boolean {
    if (raw !== this.binary?.raw || 4 * grown.leaves.length > inp.leaves.length) return false;
    const count = leafTable(grown, inp.leaves);
    this.halves(
      3,
      inp.rows,
      (c) => (c[LEAVES] = count),
      (lo, hi) => addLeafRange(inp.kernels, inp.leaves, count, inp.index, inp.alt, raw, lo, hi),
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
    c[UNITS] = units;
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
