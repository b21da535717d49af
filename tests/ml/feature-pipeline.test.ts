/**
 * Feature pipeline behaviour beyond sklearn parity (feature-pipeline-sklearn.test.ts): no leakage
 * from the rows being transformed, JSON round trip, the default spec, interactions, drop, and the
 * output naming/ordering rules. The date_parts step: feature-date-parts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultFeatureSpec,
  fitFeaturePipeline,
  fitTransformFeatures,
  parseFittedPipeline,
  transformFeatures,
  type FeaturePipelineSpecInput,
} from '../../ml/features';
import { medianInPlace } from '../../ml/features/steps/impute';
import { type Frame, frameFromRows, takeRows } from '../../ml/frame/frame';
import { toDense } from '../../ml/frame/matrix';
import { rowsOf } from './matrix-rows';

const penguins = frameFromRows([
  { bill: 39.1, mass: 3750, island: 'Torgersen', sex: 'male', seen: '2024-03-10T06:30:00Z' },
  { bill: 39.5, mass: 3800, island: 'Torgersen', sex: 'female', seen: '2024-03-11T12:00:00Z' },
  { bill: null, mass: 3250, island: 'Biscoe', sex: null, seen: '2024-03-12T23:59:00Z' },
  { bill: 36.7, mass: null, island: 'Dream', sex: 'female', seen: '2024-04-01T00:00:00Z' },
  { bill: 46.5, mass: 4500, island: 'Biscoe', sex: 'male', seen: '2024-05-05T05:05:00Z' },
  { bill: 50.0, mass: 5700, island: 'Biscoe', sex: 'male', seen: '2024-06-30T18:45:00Z' },
]);

const spec: FeaturePipelineSpecInput = {
  features: ['bill', 'mass', 'island', 'sex', 'seen'],
  steps: [
    { op: 'impute', columns: ['bill', 'mass'], strategy: 'median' },
    { op: 'log', columns: ['mass'] },
    { op: 'standardize', columns: ['bill', 'mass'] },
    { op: 'impute', columns: ['sex'], strategy: 'most_frequent' },
    { op: 'onehot', columns: ['island', 'sex'] },
    { op: 'date_parts', columns: ['seen'], parts: ['hour', 'weekday', 'month'] },
    { op: 'interact', pairs: [['bill', 'mass']] },
  ],
};

describe('fit and transform', () => {
  it('names outputs in place: scaled columns keep their name, encodings expand where the column stood, interactions go last', () => {
    const { featureNames, matrix } = fitTransformFeatures(penguins, spec);
    expect(featureNames).toEqual([
      'bill',
      'mass',
      'island=Biscoe',
      'island=Dream',
      'island=Torgersen',
      'sex=female',
      'sex=male',
      'seen_hour',
      'seen_weekday',
      'seen_month',
      'bill*mass',
    ]);
    expect(matrix.rows).toBe(6);
    expect(matrix.cols).toBe(11);
    const rows = rowsOf(matrix);
    // Row 2: island Biscoe, sex imputed to the most frequent ('male': 3 vs 2), seen Tuesday 23:59 in March.
    expect(rows[2]?.slice(2, 10)).toEqual([1, 0, 0, 0, 1, 23, 1, 3]);
    // bill*mass is the product of the already-standardized columns.
    for (const r of rows) expect(r[10]).toBeCloseTo((r[0] as number) * (r[1] as number), 12);
    // Standardized columns: mean 0, population std 1 over the training rows.
    for (const j of [0, 1]) {
      const col = rows.map((r) => r[j] as number);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      expect(mean).toBeCloseTo(0, 12);
      expect(Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length)).toBeCloseTo(1, 12);
    }
  });

  it('learns only from the rows it is fitted on: transforming extreme rows changes no parameter, and fitting on a subset equals fitting on that frame', () => {
    const fitted = fitFeaturePipeline(penguins, spec);
    const before = JSON.stringify(fitted);
    const trainMatrix = transformFeatures(fitted, penguins).matrix;
    const extreme = frameFromRows([
      { bill: 1e9, mass: 1e12, island: 'Atlantis', sex: 'unknown', seen: '2099-01-01T00:00:00Z' },
      { bill: -1e9, mass: null, island: null, sex: null, seen: '1970-01-01T00:00:00Z' },
    ]);
    const out = transformFeatures(fitted, extreme);
    expect(JSON.stringify(fitted)).toBe(before);
    expect(transformFeatures(fitted, penguins).matrix).toEqual(trainMatrix);
    // Unseen island and sex → all zeros (handleUnknown 'ignore'); a missing sex is imputed with the TRAIN mode.
    expect(rowsOf(out.matrix)[0]?.slice(2, 7)).toEqual([0, 0, 0, 0, 0]);
    expect(rowsOf(out.matrix)[1]?.slice(5, 7)).toEqual([0, 1]);
    // Fitting on the train rows of a bigger frame gives the very same pipeline as fitting on them alone.
    const all = frameFromRows(
      [...Array(6).keys()]
        .map((i) => ({ ...rowAt(penguins, i) }))
        .concat([{ bill: 1e9, mass: 1e12, island: 'Atlantis', sex: 'male', seen: '2099-01-01T00:00:00Z' }]),
    );
    expect(fitFeaturePipeline(takeRows(all, [0, 1, 2, 3, 4, 5]), spec)).toEqual(fitted);
    expect(fitFeaturePipeline(all, spec)).not.toEqual(fitted);
  });

  it('transforms each row on its own: one row alone gives the same numbers as within a batch', () => {
    const fitted = fitFeaturePipeline(penguins, spec);
    const batch = rowsOf(transformFeatures(fitted, penguins).matrix);
    for (const i of [0, 3, 5]) expect(rowsOf(transformFeatures(fitted, takeRows(penguins, [i])).matrix)[0]).toEqual(batch[i]);
  });

  it('round-trips through JSON: the parsed pipeline transforms bit for bit as the original', () => {
    const fitted = fitFeaturePipeline(penguins, spec);
    const back = parseFittedPipeline(JSON.parse(JSON.stringify(fitted)));
    expect(back).toEqual(fitted);
    const a = transformFeatures(fitted, penguins);
    const b = transformFeatures(back, penguins);
    expect(b.featureNames).toEqual(a.featureNames);
    expect(Buffer.from(toDense(b.matrix).data.buffer).equals(Buffer.from(toDense(a.matrix).data.buffer))).toBe(true);
    expect(back.format).toBe('tideflow.feature-pipeline');
    expect(back.version).toBe(1);
    expect(back.fittedRows).toBe(6);
    expect(back.inputs).toEqual([
      { name: 'bill', type: 'number' },
      { name: 'mass', type: 'number' },
      { name: 'island', type: 'string' },
      { name: 'sex', type: 'string' },
      { name: 'seen', type: 'timestamp' },
    ]);
  });

  it('accepts an all-empty input column of another type (ingest reads it as strings) as all missing', () => {
    const fitted = fitFeaturePipeline(penguins, defaultFeatureSpec(['bill', 'mass'], ['island']));
    const batch = frameFromRows([
      { bill: null, mass: 4000, island: 'Dream' },
      { bill: null, mass: 3000, island: 'Biscoe' },
    ]);
    expect(batch.columns[0]?.type).toBe('string');
    const out = rowsOf(transformFeatures(fitted, batch).matrix);
    // Both bills imputed with the training median, then standardized: the same value.
    expect(out[0]?.[0]).toBe(out[1]?.[0]);
    expect(Number.isFinite(out[0]?.[0])).toBe(true);
  });
});

function rowAt(frame: Frame, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of frame.columns)
    row[c.name] =
      c.type === 'timestamp'
        ? new Date(c.values[i] as number).toISOString()
        : c.type === 'string'
          ? c.values[i]
          : Number.isNaN(c.values[i])
            ? null
            : c.values[i];
  return row;
}

describe('median without a full sort', () => {
  it('equals the sorted middle (two middles averaged) on 2,000 random arrays with duplicates and runs', () => {
    let seed = 3;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const wrong: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const n = 1 + Math.floor(rand() * 60);
      const kind = k % 4;
      const a = Float64Array.from({ length: n }, (_, i) =>
        kind === 0 ? Math.floor(rand() * 5) : kind === 1 ? i : kind === 2 ? n - i : rand() * 1e6 - 5e5,
      );
      const s = a.slice().sort();
      const want = n % 2 ? (s[n >> 1] as number) : ((s[(n >> 1) - 1] as number) + (s[n >> 1] as number)) / 2;
      const got = medianInPlace(a);
      if (got !== want) wrong.push(`[${Array.from(s).join(', ')}]: ${got} ≠ ${want}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('defaultFeatureSpec', () => {
  it('imputes (median / most frequent), standardizes numeric and one-hot encodes categorical columns, unseen → zeros', () => {
    const s = defaultFeatureSpec(['bill', 'mass'], ['island', 'sex']);
    expect(s.features).toEqual(['bill', 'mass', 'island', 'sex']);
    expect(s.steps.map((st) => `${st.op}${'strategy' in st ? `:${st.strategy}` : ''}`)).toEqual([
      'impute:median',
      'standardize',
      'impute:most_frequent',
      'onehot',
    ]);
    const { featureNames, fitted } = fitTransformFeatures(penguins, s);
    expect(featureNames).toEqual(['bill', 'mass', 'island=Biscoe', 'island=Dream', 'island=Torgersen', 'sex=female', 'sex=male']);
    const impute = fitted.steps[0];
    // Medians of the 5 present values: bill 39.5, mass 3800.
    expect(impute?.op === 'impute' && impute.fills).toEqual([
      { column: 'bill', value: 39.5 },
      { column: 'mass', value: 3800 },
    ]);
    expect(defaultFeatureSpec([], ['sex']).steps.map((st) => st.op)).toEqual(['impute', 'onehot']);
  });
});

describe('encodings and reshaping', () => {
  const frame = frameFromRows([
    { x: 1, y: 2, flag: true, c: 'a' },
    { x: 2, y: 3, flag: false, c: 'b' },
    { x: 3, y: 5, flag: true, c: 'a' },
    { x: 4, y: 7, flag: null, c: 'a' },
  ]);

  it('one-hot encodes booleans as false/true, a missing value as its own category, numbers numerically', () => {
    const r = fitTransformFeatures(frame, { features: ['flag', 'x'], steps: [{ op: 'onehot', columns: ['flag', 'x'] }] });
    expect(r.featureNames).toEqual(['flag=false', 'flag=true', 'flag=(missing)', 'x=1', 'x=2', 'x=3', 'x=4']);
    expect(rowsOf(r.matrix)[3]).toEqual([0, 0, 1, 0, 0, 0, 1]);
  });

  it('bins into one-hot outputs named <column>=bin<k>, and drop removes a column or all of an encoding', () => {
    const r = fitTransformFeatures(frame, {
      features: ['x', 'y', 'c'],
      steps: [
        { op: 'bin', columns: ['y'], nBins: 2, strategy: 'uniform', encode: 'onehot' },
        { op: 'onehot', columns: ['c'] },
        { op: 'interact', pairs: [['x', 'x']] },
        { op: 'drop', columns: ['c', 'x'] },
      ],
    });
    expect(r.featureNames).toEqual(['y=bin0', 'y=bin1', 'x*x']);
    expect(rowsOf(r.matrix)).toEqual([
      [1, 0, 1],
      [1, 0, 4],
      [0, 1, 9],
      [0, 1, 16],
    ]);
  });

  it('log uses ln(x + offset), log1p by default', () => {
    const a = fitTransformFeatures(frame, { features: ['x'], steps: [{ op: 'log', columns: ['x'] }] });
    const b = fitTransformFeatures(frame, { features: ['x'], steps: [{ op: 'log', columns: ['x'], offset: 0 }] });
    expect(Array.from(a.matrix.data)).toEqual([1, 2, 3, 4].map((v) => Math.log1p(v)));
    expect(Array.from(b.matrix.data)).toEqual([1, 2, 3, 4].map((v) => Math.log(v)));
  });

  it('groups rare categories into <column>=(infrequent), which unseen values join with infrequent_if_exist', () => {
    const f = frameFromRows(['a', 'a', 'a', 'b', 'b', 'c', 'd'].map((c) => ({ c })));
    const fitted = fitFeaturePipeline(f, {
      features: ['c'],
      steps: [{ op: 'onehot', columns: ['c'], minFrequency: 2, handleUnknown: 'infrequent_if_exist' }],
    });
    expect(fitted.featureNames).toEqual(['c=a', 'c=b', 'c=(infrequent)']);
    const out = transformFeatures(fitted, frameFromRows([{ c: 'c' }, { c: 'zzz' }, { c: 'a' }]));
    expect(rowsOf(out.matrix)).toEqual([
      [0, 0, 1],
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });
});
