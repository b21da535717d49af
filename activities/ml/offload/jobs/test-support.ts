/**
 * A CPU-bound job with no ML in it: spins for `ms`, reporting progress, optionally throwing a
 * given error class at the end, or echoing its typed-array input. Lets the runner's own tests
 * (cancellation, errors, transfers, the per-task guard) run in milliseconds. `echoFrame` shows
 * what a frame looks like once it crossed to the thread.
 */
import { EstimatorInputError } from '../../../../ml/estimators/types';
import type { Frame } from '../../../../ml/frame/frame';

export interface SleepBusyInput {
  ms: number;
  fail?: 'RangeError' | 'EstimatorInputError' | 'Error';
  echo?: Float64Array;
}

export function sleepBusy(input: SleepBusyInput, progress: (details: unknown) => void): { spunMs: number; echo?: Float64Array } {
  const start = Date.now();
  let lastBeat = start;
  while (Date.now() - start < input.ms) {
    if (Date.now() - lastBeat >= 50) {
      lastBeat = Date.now();
      progress({ elapsed: lastBeat - start });
    }
  }
  if (input.fail === 'RangeError') throw new RangeError('bad value at row 3');
  if (input.fail === 'EstimatorInputError') throw new EstimatorInputError('the target has a single class');
  if (input.fail === 'Error') throw new Error('transient failure');
  return { spunMs: Date.now() - start, ...(input.echo && { echo: input.echo.map((v) => v * 2) }) };
}

/** The frame as the thread sees it: each column's name, type and values (for small test frames). */
export function echoFrame(input: { frame: Frame }): { rows: number; columns: { name: string; type: string; values: unknown[] }[] } {
  return {
    rows: input.frame.rows,
    columns: input.frame.columns.map((c) => ({ name: c.name, type: c.type, values: Array.from(c.values as ArrayLike<unknown>) })),
  };
}
