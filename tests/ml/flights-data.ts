/**
 * The flights quality dataset, prepared exactly as fixtures/gen_flights_reference.py prepares it:
 * vega-datasets flights-200k.json, target delay > 15 (`y`; `delay` keeps the minutes for
 * regression), features [distance, time], test rows are
 * those with index % 5 == 0; `standardised` scales by the training rows' mean and population std.
 */
import { readFileSync } from 'node:fs';
import type { Matrix } from '../../ml/frame/matrix';
import { resolvePackageFile } from '../../activities/ml/source';

export interface FlightsPart {
  x: Matrix;
  y: Int32Array;
  delay: Float64Array;
}

export interface FlightsSplit {
  train: FlightsPart;
  test: FlightsPart;
}

interface FlightRow {
  delay: number;
  distance: number;
  time: number;
}

export function loadFlights(): FlightsSplit {
  const rows = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/flights-200k.json'), 'utf8')) as FlightRow[];
  const nTest = Math.ceil(rows.length / 5);
  const nTrain = rows.length - nTest;
  const train: FlightsPart = {
    x: { data: new Float64Array(nTrain * 2), rows: nTrain, cols: 2 },
    y: new Int32Array(nTrain),
    delay: new Float64Array(nTrain),
  };
  const test: FlightsPart = {
    x: { data: new Float64Array(nTest * 2), rows: nTest, cols: 2 },
    y: new Int32Array(nTest),
    delay: new Float64Array(nTest),
  };
  let a = 0;
  let b = 0;
  rows.forEach((r, i) => {
    const part = i % 5 === 0 ? test : train;
    const k = i % 5 === 0 ? b++ : a++;
    part.x.data[2 * k] = r.distance;
    part.x.data[2 * k + 1] = r.time;
    part.y[k] = r.delay > 15 ? 1 : 0;
    part.delay[k] = r.delay;
  });
  return { train, test };
}

/** Copies of train and test standardised with the training columns' mean and population std. */
export function standardised(s: FlightsSplit): FlightsSplit {
  const { rows: n, cols: d, data } = s.train.x;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[i * d + j] as number) / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) std[j] = (std[j] as number) + ((data[i * d + j] as number) - (mean[j] as number)) ** 2 / n;
  const scale = (m: Matrix): Matrix => ({
    rows: m.rows,
    cols: d,
    data: m.data.map((v, k) => (v - (mean[k % d] as number)) / Math.sqrt(std[k % d] as number)),
  });
  return { train: { ...s.train, x: scale(s.train.x) }, test: { ...s.test, x: scale(s.test.x) } };
}
