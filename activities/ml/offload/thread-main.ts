/**
 * The thread side: run one named job from ./jobs on the workerData input, stream its progress,
 * post its result (typed arrays transferred) or its error, then let the thread end. Imports only
 * pure code (ml/, mlops/, the model artifact's parsing): no Temporal worker, no S3.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from './errors';
import { decodeFrames } from './frame-transfer';
import { JOBS, type JobName } from './jobs';
import type { ThreadData, ThreadMessage } from './protocol';
import { transferablesOf } from './transfer';

const port = parentPort;
const data = workerData as ThreadData;
const post = (m: ThreadMessage, transfer: ArrayBuffer[] = []): void => port?.postMessage(m, transfer);

async function main(): Promise<void> {
  const run = JOBS[data.job as JobName] as ((input: unknown, progress: (details: unknown) => void) => unknown) | undefined;
  if (!run) throw new Error(`unknown offloaded job '${data.job}' (known: ${Object.keys(JOBS).join(', ')})`);
  const value = await run(decodeFrames(data.input), (details) => post({ type: 'progress', details }));
  post({ type: 'result', value }, transferablesOf(value));
}

main().catch((err: unknown) => post({ type: 'error', error: serializeError(err) }));
