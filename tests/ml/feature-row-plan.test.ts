/**
 * The one-row plan (ml/features/row-plan.ts) against the general transform: for pipelines of every
 * covered step (and some that are not covered), on thousands of rows — ordinary, missing, unseen
 * categories, infinities, values outside log's domain, wrong types and column orders — the answer
 * for a one-row frame is the general path's, bit for bit, or the same error message.
 */
import { describe, expect, it } from 'vitest';
import { fitTransformFeatures, type FeaturePipelineSpecInput } from '../../ml/features';
import type { FittedFeaturePipeline } from '../../ml/features/fitted';
import { buildRowPlan } from '../../ml/features/row-plan';
import { transformFeatures, transformGeneral } from '../../ml/features/transform';
import type { Frame, FrameColumn } from '../../ml/frame/frame';

let seed = 11;
const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const CITIES = ['ATL', 'BOS', 'DEN', 'LAX', 'ORD', 'SFO'];
const T0 = Date.parse('2001-01-01T00:00:00Z');

/** Training rows: no missing value in `full`, some in `gappy` and `city2`. */
function trainingFrame(rows: number): Frame {
  const date = new Float64Array(rows);
  const dist = new Float64Array(rows);
  const gappy = new Float64Array(rows);
  const flag = new Float64Array(rows);
  const city: (string | null)[] = [];
  const city2: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    date[i] = T0 + Math.floor(rand() * 365 * 86_400_000);
    dist[i] = 50 + rand() * 2000;
    gappy[i] = rand() < 0.1 ? NaN : rand() * 10;
    flag[i] = rand() < 0.5 ? 1 : 0;
    city.push(pick(CITIES.slice(0, 5)));
    city2.push(rand() < 0.1 ? null : pick(CITIES));
  }
  return {
    rows,
    columns: [
      { name: 'date', type: 'timestamp', values: date },
      { name: 'dist', type: 'number', values: dist },
      { name: 'gappy', type: 'number', values: gappy },
      { name: 'flag', type: 'boolean', values: flag },
      { name: 'city', type: 'string', values: city },
      { name: 'city2', type: 'string', values: city2 },
    ],
  };
}

const FEATURES = ['date', 'dist', 'gappy', 'flag', 'city', 'city2'];
const SPECS: Record<string, FeaturePipelineSpecInput> = {
  flights: {
    features: ['date', 'dist', 'city', 'city2'],
    steps: [
      { op: 'date_parts', columns: ['date'], parts: ['hour', 'weekday', 'month'] },
      { op: 'impute', columns: ['dist'], strategy: 'median' },
      { op: 'standardize', columns: ['dist'] },
      { op: 'categorical', columns: ['city', 'city2'] },
    ],
  },
  scalers: {
    features: FEATURES,
    steps: [
      { op: 'impute', columns: ['gappy'], strategy: 'mean' },
      { op: 'impute', columns: ['city2'], strategy: 'most_frequent' },
      { op: 'log', columns: ['dist'] },
      { op: 'minmax', columns: ['gappy'], range: [-1, 1], clip: true },
      { op: 'minmax', columns: ['dist'] },
      { op: 'date_parts', columns: ['date'], parts: ['year', 'day', 'dayofyear', 'minute'], timezone: 'Europe/Paris', keep: true },
      { op: 'categorical', columns: ['city', 'city2', 'flag'] },
      { op: 'drop', columns: ['date'] },
    ],
  },
  'log offset, no impute': {
    features: ['dist', 'city'],
    steps: [
      { op: 'log', columns: ['dist'], offset: 0.5 },
      { op: 'standardize', columns: ['dist'] },
      { op: 'categorical', columns: ['city'] },
    ],
  },
  'onehot (general path only)': {
    features: ['dist', 'city'],
    steps: [{ op: 'onehot', columns: ['city'] }],
  },
};

/** Row i of `frame` as a one-row frame, with some cells replaced by awkward values. */
function oneRow(frame: Frame, i: number, awkward: boolean): Frame {
  const columns = frame.columns.map((c): FrameColumn => {
    if (c.type === 'string') {
      let v = c.values[i] ?? null;
      if (awkward && rand() < 0.3) v = pick([null, 'NEVER-SEEN', '', 'SFO']);
      return { name: c.name, type: 'string', values: [v] };
    }
    let v = c.values[i] as number;
    if (awkward && rand() < 0.3) v = pick([NaN, Infinity, -Infinity, -1, -0.75, 0, 1e308, -1e308, 0.5]);
    return { name: c.name, type: c.type, values: Float64Array.of(v) };
  });
  return { rows: 1, columns };
}

type Outcome =
  | { ok: true; data: number[]; names: string[]; cols: number; categorical?: readonly boolean[]; onehot?: unknown }
  | { ok: false; error: string };

function outcome(run: () => ReturnType<typeof transformGeneral>): Outcome {
  try {
    const { matrix, featureNames } = run();
    // Compared with Object.is per cell below: -0, NaN and every bit of the value must agree.
    const data = Array.from(matrix.data);
    return { ok: true, data, names: featureNames, cols: matrix.cols, categorical: matrix.categorical, onehot: matrix.onehot };
  } catch (err) {
    return { ok: false, error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function compare(fitted: FittedFeaturePipeline, frame: Frame): void {
  const fast = outcome(() => transformFeatures(fitted, frame));
  const general = outcome(() => transformGeneral(fitted, frame));
  expect(fast.ok).toBe(general.ok);
  if (fast.ok && general.ok) {
    expect(fast.names).toEqual(general.names);
    expect(fast.cols).toBe(general.cols);
    expect(fast.categorical).toEqual(general.categorical);
    expect(fast.onehot).toEqual(general.onehot);
    expect(fast.data.length).toBe(general.data.length);
    fast.data.forEach((v, j) => expect(Object.is(v, general.data[j]), `cell ${j}: ${v} vs ${general.data[j]}`).toBe(true));
  } else expect(fast).toEqual(general);
}

describe('one-row plan', () => {
  const train = trainingFrame(3000);
  const test = trainingFrame(600);

  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: one-row frames transform as the general path does (values, errors)`, () => {
      const { fitted } = fitTransformFeatures(train, spec);
      expect(buildRowPlan(fitted) !== undefined).toBe(!name.includes('general path only'));
      const inputs = { rows: test.rows, columns: fitted.inputs.map((c) => test.columns.find((t) => t.name === c.name) as FrameColumn) };
      let failures = 0;
      for (let i = 0; i < test.rows; i++) {
        const awkward = i % 2 === 1;
        compare(fitted, oneRow(inputs, i, awkward));
        if (outcome(() => transformGeneral(fitted, oneRow(inputs, i, false))).ok === false) failures++;
      }
      // The ordinary rows transform (so the comparison above covered answers, not only errors).
      expect(failures).toBe(0);
    });
  }

  it('frames that are not the typed inputs in order: columns reordered, extra, missing, or of another type', () => {
    const { fitted } = fitTransformFeatures(train, SPECS.flights as FeaturePipelineSpecInput);
    const inputs = { rows: test.rows, columns: fitted.inputs.map((c) => test.columns.find((t) => t.name === c.name) as FrameColumn) };
    for (let i = 0; i < 100; i++) {
      const row = oneRow(inputs, i, i % 3 === 0);
      compare(fitted, { rows: 1, columns: [...row.columns].reverse() });
      compare(fitted, { rows: 1, columns: [...row.columns, { name: 'extra', type: 'number', values: Float64Array.of(1) }] });
      compare(fitted, { rows: 1, columns: row.columns.slice(1) });
      compare(fitted, {
        rows: 1,
        columns: row.columns.map((c) => (c.name === 'dist' ? { name: 'dist', type: 'string', values: [String(i)] } : c)),
      });
      compare(fitted, {
        rows: 1,
        columns: row.columns.map((c) => (c.name === 'city' ? { name: 'city', type: 'string', values: [null] } : c)),
      });
    }
  });

  it('several rows still take the general path', () => {
    const { fitted } = fitTransformFeatures(train, SPECS.flights as FeaturePipelineSpecInput);
    const inputs = { rows: test.rows, columns: fitted.inputs.map((c) => test.columns.find((t) => t.name === c.name) as FrameColumn) };
    expect(outcome(() => transformFeatures(fitted, inputs))).toEqual(outcome(() => transformGeneral(fitted, inputs)));
  });
});
