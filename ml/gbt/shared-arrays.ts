/**
 * Typed arrays on SharedArrayBuffers, for what histogram-pool.ts's worker thread reads and writes
 * alongside the tree grower (bins, index, gradients, raw scores).
 */

/** What binary log-loss gradients read (binary-gradients.ts `binaryGradients`); weights absent = all 1. */
export interface BinaryTargets {
  raw: Float64Array;
  y: Float64Array;
  w: Float64Array | undefined;
}

/** Typed arrays on shared memory, so the worker sees them. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

export function sharedUint8(source: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(source.length));
  out.set(source);
  return out;
}
