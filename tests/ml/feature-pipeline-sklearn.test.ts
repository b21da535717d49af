/**
 * The feature pipeline against scikit-learn's preprocessing on the same data, to 1e-9: every case
 * of fixtures/feature-pipeline-sklearn.json pairs one of our specs with the equivalent sklearn
 * transformer (SimpleImputer, StandardScaler, MinMaxScaler, KBinsDiscretizer, OneHotEncoder,
 * log1p, a ColumnTransformer chain), fitted on `train`, applied to `train` and `test`.
 * fixtures/gen_feature_pipeline.py regenerates it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitTransformFeatures, transformFeatures, type FeaturePipelineSpecInput } from '../../ml/features';
import type { Frame, FrameColumn } from '../../ml/frame/frame';
import { type Matrix, toDense } from '../../ml/frame/matrix';

type Cell = number | string | null;
interface Case {
  name: string;
  spec: FeaturePipelineSpecInput;
  train: number[][];
  test: number[][];
  statistics?: Cell[];
  edges?: number[][];
  categories?: Cell[][];
  mean?: number[];
  scale?: number[];
  dataMin?: number[];
  dataMax?: number[];
  min?: number[];
}
interface Fixture {
  sklearn: string;
  types: Record<string, 'number' | 'string'>;
  train: Record<string, Cell[]>;
  test: Record<string, Cell[]>;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'feature-pipeline-sklearn.json'), 'utf8')) as Fixture;
const TOL = 1e-9;

function toFrame(data: Record<string, Cell[]>): Frame {
  const columns = Object.entries(data).map(([name, values]): FrameColumn => {
    if (fixture.types[name] === 'string') return { name, type: 'string', values: values.map((v) => (v === null ? null : String(v))) };
    return { name, type: 'number', values: Float64Array.from(values, (v) => (v === null ? NaN : Number(v))) };
  });
  return { rows: columns[0]?.values.length ?? 0, columns };
}

function expectMatrix(sparse: Matrix, want: number[][], label: string): void {
  const got = toDense(sparse);
  expect(got.rows, `${label}: rows`).toBe(want.length);
  expect(got.cols, `${label}: cols`).toBe(want[0]?.length);
  want.forEach((row, i) =>
    row.forEach((v, j) => {
      const g = got.data[i * got.cols + j] as number;
      if (Math.abs(g - v) > TOL) expect.fail(`${label}: [${i}, ${j}] = ${g}, sklearn ${v}`);
    }),
  );
}

const train = toFrame(fixture.train);
const test = toFrame(fixture.test);

describe(`feature pipeline = scikit-learn ${fixture.sklearn} preprocessing (to 1e-9)`, () => {
  it('has the cases the fixture promises', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const { fitted, matrix } = fitTransformFeatures(train, c.spec);
      expectMatrix(matrix, c.train, `${c.name} / train`);
      expectMatrix(transformFeatures(fitted, test).matrix, c.test, `${c.name} / test`);
      expectMatrix(transformFeatures(fitted, train).matrix, c.train, `${c.name} / train again`);

      // Fitted parameters, where sklearn exposes them.
      const first = fitted.steps[0];
      if (c.statistics && first?.op === 'impute') expect(first.fills.map((f) => f.value)).toEqual(c.statistics);
      if (c.mean && c.scale && first?.op === 'standardize') {
        first.columns.forEach((p, j) => {
          expect(p.mean).toBeCloseTo(c.mean?.[j] as number, 12);
          expect(p.scale).toBeCloseTo(c.scale?.[j] as number, 12);
        });
      }
      if (c.dataMin && first?.op === 'minmax') {
        first.columns.forEach((p, j) => {
          expect([p.dataMin, p.dataMax]).toEqual([c.dataMin?.[j], c.dataMax?.[j]]);
          expect(Math.abs(p.scale - (c.scale?.[j] as number))).toBeLessThan(TOL);
          expect(Math.abs(p.min - (c.min?.[j] as number))).toBeLessThan(TOL);
        });
      }
      if (c.edges && first?.op === 'bin') {
        first.columns.forEach((p, j) => {
          const want = c.edges?.[j] as number[];
          // sklearn's constant column has edges [-inf, inf] (dropped in the fixture): ours are [v, v], one bin.
          if (want.length === 0) expect(p.edges[0]).toBe(p.edges[1]);
          else {
            expect(p.edges).toHaveLength(want.length);
            p.edges.forEach((e, k) => expect(Math.abs(e - (want[k] as number))).toBeLessThan(TOL));
          }
        });
      }
      const encoder = fitted.steps.find((s) => s.op === 'onehot');
      if (c.categories && encoder?.op === 'onehot') {
        expect(encoder.columns.map((col) => [...col.categories, ...col.infrequent])).toEqual(c.categories);
      }
    });
  }
});
