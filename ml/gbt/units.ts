/**
 * How a node's histogram work is cut into units (one pass over the node's rows each, all run by
 * the thread summing those rows: grower.ts, histogram-pool.ts), as accumulate.ts
 * `accumulateUnits` reads them: per unit 6 ints, three run features then three plain features,
 * −1 for none.
 *
 * Run features are those whose bins repeat row after row in the training order (mean run ≥
 * MIN_RUN rows; the flights' hour, weekday and month, the rows being in time order). Rows of
 * every node keep that order (stable partitions), so their runs only get longer there. Three
 * run features share one pass (kernels.wat `histRuns`, much cheaper than plain features) and take up
 * to three plain features along, so a row's index, gradients and bins are read once for all six
 * (measured on the flights fit, where that is every feature: 7.4–8.0 s against 8.4–8.7 s with one
 * plain feature along and the other two in a pass of their own); the other plain features go three
 * (or the rest) to a unit. Any grouping gives the same sums (each cell is summed in row order).
 */
/** Mean rows per run of equal bins for a feature to take the run kernel: each run end costs a mispredicted branch. */
const MIN_RUN = 16;

/** Mean run length of each feature's bins (column-major n × d codes) in row order. */
function meanRuns(colBins: Uint8Array, n: number, d: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < d; f++) {
    let changes = 1;
    for (let i = f * n + 1; i < (f + 1) * n; i++) if (colBins[i] !== colBins[i - 1]) changes++;
    out.push(n / changes);
  }
  return out;
}

/** The work units of a fit's histograms (see the module comment), on shared memory for the worker thread; `minRun` for tests. */
export function planUnits(colBins: Uint8Array, n: number, d: number, minRun = MIN_RUN): Int32Array {
  const runs = meanRuns(colBins, n, d);
  const run: number[] = [];
  const plain: number[] = [];
  for (let f = 0; f < d; f++) ((runs[f] as number) >= minRun ? run : plain).push(f);
  // One or two run features alone do not fill a pass: they go with the plain ones.
  plain.push(...run.splice(run.length - (run.length % 3)));
  plain.sort((a, b) => a - b);
  const units: number[] = [];
  const unit = (r: number[], p: number[]): void => {
    units.push(...r, ...Array<number>(3 - r.length).fill(-1), ...p, ...Array<number>(3 - p.length).fill(-1));
  };
  for (let k = 0; k < run.length; k += 3) unit(run.slice(k, k + 3), plain.splice(0, 3));
  for (let k = 0; k < plain.length; k += 3) unit([], plain.slice(k, k + 3));
  const out = new Int32Array(new SharedArrayBuffer(units.length * 4));
  out.set(units);
  return out;
}
