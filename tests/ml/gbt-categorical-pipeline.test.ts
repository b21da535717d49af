/**
 * The `categorical` feature step feeding gradient boosting natively: codes in sorted order,
 * infrequent (beyond maxCategories), unknown and missing values coded NaN, the Matrix flag, a
 * GBT fit on the codes through the estimator layer, and the refusals (linear models, numeric
 * steps after it) that name the step and column.
 */
import { describe, expect, it } from 'vitest';
import { frameFromRows } from '../../ml/frame/frame';
import { fitTransformFeatures, parseFittedPipeline, planFeatureSpec, parseFeatureSpec, transformFeatures } from '../../ml/features';
import { fitEstimator, predictEstimator } from '../../ml/estimators';
import { createRng } from '../../ml/stats/random';

const AIRPORTS = ['SFO', 'LAX', 'JFK', 'ORD', 'ATL', 'DEN'];

function flights(n: number, seed: number): { rows: Record<string, unknown>[]; y: Int32Array } {
  const r = createRng(seed);
  const rows: Record<string, unknown>[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const origin = r() < 0.05 ? null : (AIRPORTS[Math.floor(r() * AIRPORTS.length)] as string);
    const distance = Math.floor(r() * 2000);
    rows.push({ origin, distance });
    // Delays depend on the airport set {JFK, ORD, missing}, not on any order of the names.
    const risky = origin === null || origin === 'JFK' || origin === 'ORD';
    y[i] = (risky ? 0.7 : 0.2) + 0.0001 * distance > r() ? 1 : 0;
  }
  return { rows, y };
}

describe('categorical feature step', () => {
  it('codes sorted categories; infrequent, unknown and missing values are NaN; the Matrix flags the column', () => {
    const frame = frameFromRows([{ c: 'b' }, { c: 'a' }, { c: 'b' }, { c: 'c' }, { c: null }, { c: 'b' }, { c: 'a' }]);
    const { fitted, matrix, featureNames } = fitTransformFeatures(frame, {
      features: ['c'],
      steps: [{ op: 'categorical', columns: ['c'], maxCategories: 2 }],
    });
    expect(featureNames).toEqual(['c']);
    expect(matrix.categorical).toEqual([true]);
    // 'b' (3) and 'a' (2) are kept, coded in sorted order a=0, b=1; 'c' is infrequent.
    expect(Array.from(matrix.data)).toEqual([1, 0, 1, NaN, NaN, 1, 0]);
    const back = parseFittedPipeline(JSON.parse(JSON.stringify(fitted)));
    const t = transformFeatures(back, frameFromRows([{ c: 'a' }, { c: 'zzz' }, { c: 'b' }]));
    expect(Array.from(t.matrix.data)).toEqual([0, NaN, 1]);
    expect(t.matrix.categorical).toEqual([true]);
  });

  it('fitting codes the training rows exactly as transforming them with the fitted pipeline does (strings and numbers)', () => {
    const r = createRng(3);
    const rows = Array.from({ length: 5_000 }, () => ({
      s: r() < 0.05 ? null : `k${Math.floor(r() ** 2 * 40)}`,
      n: r() < 0.05 ? null : Math.floor(r() * 300) - 20,
    }));
    const frame = frameFromRows(rows);
    const spec = { features: ['s', 'n'], steps: [{ op: 'categorical' as const, columns: ['s', 'n'], maxCategories: 30 }] };
    const fit = fitTransformFeatures(frame, spec);
    const again = transformFeatures(parseFittedPipeline(JSON.parse(JSON.stringify(fit.fitted))), frame);
    expect(Array.from(fit.matrix.data)).toEqual(Array.from(again.matrix.data));
    // Both columns kept their 30 most frequent values and coded the rest (and missing) NaN.
    expect(fit.fitted.steps[0]).toMatchObject({ columns: [{ infrequent: 10 }, { infrequent: expect.any(Number) }] });
    const codes = Array.from(fit.matrix.data).filter((_, i) => i % 2 === 0);
    expect(new Set(codes.filter((c) => !Number.isNaN(c))).size).toBe(30);
  });

  it('gbt learns a set of categories (and the missing one) from the codes; logistic regression refuses them by name', async () => {
    const train = flights(4000, 1);
    const test = flights(2000, 2);
    const spec = { features: ['origin', 'distance'], steps: [{ op: 'categorical' as const, columns: ['origin'] }] };
    const fit = fitTransformFeatures(frameFromRows(train.rows), spec);
    expect(fit.matrix.categorical).toEqual([true, false]);
    const est = await fitEstimator({
      kind: 'gbt',
      task: 'binary',
      numClasses: 2,
      x: fit.matrix,
      y: train.y,
      featureNames: fit.featureNames,
      hyperparams: { maxIter: 20, maxLeafNodes: 4 },
    });
    const x = transformFeatures(fit.fitted, frameFromRows(test.rows)).matrix;
    const p = predictEstimator(est, x).proba as Float64Array;
    // One categorical split separates {JFK, ORD, missing} from the rest: mean P(1) per group.
    const mean = (pred: (o: unknown) => boolean): number => {
      let s = 0;
      let c = 0;
      test.rows.forEach((r, i) => {
        if (pred(r['origin'])) {
          s += p[2 * i + 1] as number;
          c++;
        }
      });
      return s / c;
    };
    const risky = mean((o) => o === null || o === 'JFK' || o === 'ORD');
    const safe = mean((o) => o === 'SFO' || o === 'ATL' || o === 'LAX' || o === 'DEN');
    expect(risky - safe).toBeGreaterThan(0.4);
    await expect(
      fitEstimator({
        kind: 'logistic_regression',
        task: 'binary',
        numClasses: 2,
        x: fit.matrix,
        y: train.y,
        featureNames: fit.featureNames,
      }),
    ).rejects.toThrow(/feature 'origin' \(column 0\) holds category codes from a 'categorical' feature step.*'onehot'/);
  });

  it('the plan refuses numeric steps on codes and more than 255 categories, naming the step', () => {
    const schema = [{ name: 'c', type: 'string' as const }];
    expect(() =>
      planFeatureSpec(
        parseFeatureSpec({
          features: ['c'],
          steps: [
            { op: 'categorical', columns: ['c'] },
            { op: 'standardize', columns: ['c'] },
          ],
        }),
        schema,
      ),
    ).toThrow(/step 1 \(standardize\): column 'c' is category-coded/);
    expect(() => parseFeatureSpec({ features: ['c'], steps: [{ op: 'categorical', columns: ['c'], maxCategories: 300 }] })).toThrow(
      /step 0 \(categorical\) maxCategories/,
    );
  });
});
