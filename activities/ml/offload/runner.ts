/**
 * Runs a named pure computation (./jobs) in its own worker thread, so a long fit never blocks the
 * activity's event loop: heartbeats, queries and workflow tasks keep flowing, and cancellation
 * or worker shutdown end the computation at once by terminating the thread (a CPU-bound loop
 * cannot be interrupted any other way).
 *
 * One thread per job: threads are cheap next to a fit (tens of ms to start) and a fresh thread
 * per attempt means terminating it can never hurt another job. Inputs are structured-cloned,
 * except typed arrays on SharedArrayBuffers (cached datasets, shared), the buffers listed in
 * `transfer` (moved) and frames' string columns (dictionary-encoded, ./frame-transfer.ts);
 * results come back with their buffers transferred.
 *
 * The thread loads TypeScript through tsx's CommonJS register API, so it works the same under
 * `tsx workers/main.ts`, `node --import tsx` and vitest (whose module loader threads never see).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { deserializeError } from './errors';
import { encodeFrames } from './frame-transfer';
import { JOBS, type JobInput, type JobName, type JobOutput } from './jobs';
import type { ThreadData, ThreadMessage } from './protocol';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.tsxApi) require(workerData.tsxApi).register();
require(workerData.entry);
`;

function threadEntry(): { entry: string; tsxApi: string | null } {
  const js = join(__dirname, 'thread-main.js');
  if (existsSync(js)) return { entry: js, tsxApi: null };
  return { entry: join(__dirname, 'thread-main.ts'), tsxApi: require.resolve('tsx/cjs/api') };
}

export interface RunOptions {
  /** Aborting terminates the thread; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (details: unknown) => void;
  /** Buffers of the input to move (not copy) to the thread; the caller must not use them afterwards. */
  transfer?: ArrayBuffer[];
  /**
   * One running thread per key (a task instance): a new job with the key of a still-running one
   * terminates the old one first, so a retried attempt never computes beside its predecessor.
   */
  key?: string;
  /**
   * The rows the job works on, when its size varies from a handful to millions: below
   * OFFLOAD_MIN_ROWS it runs on the calling thread instead (same function, same input).
   */
  rows?: number;
}

/**
 * Under this many rows a job runs in-process: its work takes milliseconds there, while starting a
 * thread means loading the job modules again in it — measured 3.4–4.5 s per start under tsx at
 * load average 10.8 on this 2-core machine — which small datasets (and the test suite) would pay
 * at every step.
 */
export const OFFLOAD_MIN_ROWS = 50_000;

/** The job run on this thread (small inputs): the same function a thread would run. */
async function runInline<K extends JobName>(job: K, input: JobInput<K>, o: RunOptions): Promise<JobOutput<K>> {
  o.signal?.throwIfAborted();
  const run = JOBS[job] as (input: JobInput<K>, progress: (details: unknown) => void) => JobOutput<K> | Promise<JobOutput<K>>;
  return run(input, (d) => o.onProgress?.(d));
}

/** Threads running now, by key (keyless ones under a unique symbol). */
const running = new Map<string | symbol, { worker: Worker; settled: Promise<void> }>();

/** How many offloaded jobs are running in this process. */
export const runningJobs = (): number => running.size;

/** Terminate every running job (worker shutdown); their promises reject. */
export async function terminateAllJobs(): Promise<void> {
  await Promise.all([...running.values()].map(async (r) => void (await r.worker.terminate())));
}

export async function runInThread<K extends JobName>(job: K, input: JobInput<K>, o: RunOptions = {}): Promise<JobOutput<K>> {
  if (o.rows !== undefined && o.rows < OFFLOAD_MIN_ROWS) return runInline(job, input, o);
  const key: string | symbol = o.key ?? Symbol(job);
  const previous = running.get(key);
  if (previous) {
    await previous.worker.terminate();
    await previous.settled;
  }
  o.signal?.throwIfAborted();
  const data: ThreadData = { ...threadEntry(), job, input: encodeFrames(input) };
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data, transferList: o.transfer ?? [], execArgv: [] });
  let release: () => void = () => undefined;
  const settled = new Promise<void>((r) => (release = r));
  running.set(key, { worker, settled });

  try {
    return await new Promise<JobOutput<K>>((resolve, reject) => {
      const onAbort = (): void => {
        void worker.terminate();
        reject(o.signal?.reason instanceof Error ? o.signal.reason : new Error(`offloaded job '${job}' cancelled`));
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => o.signal?.removeEventListener('abort', onAbort);
      worker.on('message', (m: ThreadMessage) => {
        if (m.type === 'progress') {
          try {
            o.onProgress?.(m.details);
          } catch {
            // A progress sink that throws (e.g. heartbeat after cancel) must not kill the process.
          }
        } else if (m.type === 'result') {
          done();
          resolve(m.value as JobOutput<K>);
        } else {
          done();
          reject(deserializeError(m.error));
        }
      });
      worker.on('error', (err) => {
        done();
        reject(err);
      });
      worker.on('exit', (code) => {
        done();
        // After a result or error this is a no-op; otherwise the thread was terminated or crashed.
        reject(new Error(`offloaded job '${job}' ended without a result (thread exit code ${code})`));
      });
    });
  } finally {
    // The job is over (or given up): make sure its thread, and any thread it started, are gone.
    await worker.terminate();
    if (running.get(key)?.worker === worker) running.delete(key);
    release();
  }
}
