/**
 * A fit's arrays on one shared WebAssembly memory, and the kernels (./kernels.wat) bound to it:
 * the kernels address the arrays by their byte offsets, and the histogram pool's worker thread
 * instantiates the same module on the same memory (histogram-pool.ts), so both threads see every
 * array.
 *
 * A finished fit hands its memory back (`release`) and the thread's next fit reuses it, grown if
 * it needs more. Why: V8 does not count a shared wasm memory towards the garbage collector's
 * pressure, so dropped memories wait for a collection that nothing asks for; measured, 700 fits
 * of 60,000 rows took the process from 124 MiB to 1,949 MiB (169 MiB after a forced collection).
 */
import { InputError } from '../../../core/errors';
import { KERNELS_BASE64 } from './binary';

/** A node's rows as both histogram kernels take them first (pointers are byte offsets; identity 0 or 1). */
export type HistRows = [
  bins: number,
  d: number,
  index: number,
  gh: number,
  start: number,
  end: number,
  identity: number,
  hist: number,
  hb: number,
];

/** The exports of kernels.wat: pointers are byte offsets into the memory, counts and positions elements; see there. */
export interface Kernels {
  histRuns(...args: [...HistRows, fa: number, fb: number, fc: number, o: number, o2: number, o3: number]): void;
  histPlain(...args: [...HistRows, fa: number, fb: number, fc: number]): void;
  partitionHalf(
    col: number,
    src: number,
    dst: number,
    start: number,
    mid: number,
    end: number,
    split: number,
    half: number,
    table: number,
  ): number;
  addLeafRange(leaves: number, count: number, index: number, alt: number, raw: number, lo: number, hi: number): void;
  /** w = 0: all weights 1. */
  binaryGradients(raw: number, y: number, w: number, lo: number, hi: number, gh: number, expTable: number): void;
  expNonPositive(x: number, expTable: number): number;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels (once per thread; a worker receives it in its workerData). */
export function kernelModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(Uint8Array.from(atob(KERNELS_BASE64), (c) => c.charCodeAt(0))));
}

/**
 * The kernels bound to `memory` (Math.exp is their fallback outside the inline exponential's range).
 * Self-contained when `module` is given: the histogram pool's worker runs it from its source text.
 */
export function instantiateKernels(memory: WebAssembly.Memory, module = kernelModule()): Kernels {
  return new WebAssembly.Instance(module, { env: { memory, exp: Math.exp } }).exports as unknown as Kernels;
}

const ARRAY = { u8: Uint8Array, u32: Uint32Array, f32: Float32Array, f64: Float64Array };
type Kind = keyof typeof ARRAY;
type ArrayOf<K extends Kind> = InstanceType<(typeof ARRAY)[K]>;
/** Arrays start on cache lines; offset 0 stays unused so that a kernel can read 0 as "none". */
const ALIGN = 64;
const PAGE = 65536;
/** wasm32 addresses 4 GiB: 65,536 pages. */
const MAX_PAGES = 65536;

export interface KernelArrays<S extends Record<string, readonly [Kind, number]>> {
  memory: WebAssembly.Memory;
  kernels: Kernels;
  arrays: { [K in keyof S]: ArrayOf<S[K][0]> };
  /** Hands the memory back for this thread's next fit; the arrays must not be used after. */
  release(): void;
}

interface Bound {
  memory: WebAssembly.Memory;
  kernels: Kernels;
}

/** Memories of finished fits on this thread, for the next ones (at most IDLE_MAX kept). */
const idle: Bound[] = [];
const IDLE_MAX = 2;

/** A memory of at least `pages` (zeroed up to there) with its kernels: an idle one, grown if need be, or a new one. */
function take(pages: number): Bound {
  const fits = idle.findIndex((b) => b.memory.buffer.byteLength >= pages * PAGE);
  const reused = fits >= 0 ? idle.splice(fits, 1)[0] : idle.pop();
  if (!reused) {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    return { memory, kernels: instantiateKernels(memory) };
  }
  const have = reused.memory.buffer.byteLength / PAGE;
  if (have < pages) reused.memory.grow(pages - have);
  new Uint8Array(reused.memory.buffer, 0, pages * PAGE).fill(0);
  return reused;
}

/**
 * Lays out the arrays of `spec` (name → element kind and length, zeroed) on a shared memory
 * large enough (see the module comment), with the kernels bound to it. A fit whose arrays pass
 * 4 GiB is refused with its size (wasm32 addresses no more).
 */
export function allocateKernelArrays<S extends Record<string, readonly [Kind, number]>>(spec: S): KernelArrays<S> {
  const at: Record<string, number> = {};
  let next = ALIGN;
  for (const [name, [kind, length]] of Object.entries(spec)) {
    at[name] = next;
    next += Math.ceil((length * ARRAY[kind].BYTES_PER_ELEMENT) / ALIGN) * ALIGN;
  }
  const pages = Math.ceil(next / PAGE);
  if (pages > MAX_PAGES)
    throw new InputError(
      `gradient boosting needs ${(next / 2 ** 30).toFixed(1)} GiB of working arrays for these rows and features; ` +
        'one fit holds at most 4 GiB: fit on fewer rows (a sample) or fewer features',
    );
  const bound = take(pages);
  const buffer = bound.memory.buffer;
  const arrays: Record<string, ArrayOf<Kind>> = {};
  for (const [name, [kind, length]] of Object.entries(spec)) arrays[name] = new ARRAY[kind](buffer, at[name] as number, length);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    if (idle.length < IDLE_MAX) idle.push(bound);
  };
  return { ...bound, arrays: arrays as KernelArrays<S>['arrays'], release };
}
