/**
 * Every way a feature pipeline can fail on its data, and that each error says where: the step
 * (index and op) and the column, the value and row when there is one. Covers fitting,
 * transforming, and reading fitted JSON back. Errors in the spec itself: feature-spec-errors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fitFeaturePipeline, parseFittedPipeline, transformFeatures } from '../../ml/features';
import { type Frame, frameFromRows } from '../../ml/frame/frame';
import { fitError, numericGap } from './feature-error-helpers';

describe('fit: data errors name the feature or the step and column', () => {
  it('a feature still missing after the pipeline', () => {
    expect(fitError({ features: ['x', 'y'], steps: [{ op: 'standardize', columns: ['y'] }] })).toBe(
      "feature 'y' still has 1 missing value after the pipeline in the training rows (first at row 1): add an impute step for 'y' before the steps that need complete values",
    );
  });

  it('log of a value ≤ -offset, at fit and at transform', () => {
    expect(fitError({ features: ['x'], steps: [{ op: 'log', columns: ['x'], offset: 0 }] })).toBe(
      "feature pipeline step 0 (log), fitting: column 'x' has -0.5 at row 3; log needs value + offset (0) > 0: raise the offset or clean the data",
    );
    const fitted = fitFeaturePipeline(numericGap, { features: ['x'], steps: [{ op: 'log', columns: ['x'] }] });
    const bad = frameFromRows([{ x: 5 }, { x: -2 }]);
    expect(() => transformFeatures(fitted, bad)).toThrow(
      "feature pipeline step 0 (log), transforming: column 'x' has -2 at row 1; log needs value + offset (1) > 0",
    );
  });

  it('a column with no value in the training rows', () => {
    expect(fitError({ features: ['gap'], steps: [{ op: 'impute', columns: ['gap'], strategy: 'median' }] })).toMatch(
      /step 0 \(impute\), fitting: column 'gap' has no value in the 4 training rows: cannot compute its median/,
    );
    expect(fitError({ features: ['gap'], steps: [{ op: 'standardize', columns: ['gap'] }] })).toMatch(
      /step 0 \(standardize\), fitting: column 'gap' has no value/,
    );
    // 'constant' needs no value.
    expect(
      fitFeaturePipeline(numericGap, {
        features: ['gap'],
        steps: [{ op: 'impute', columns: ['gap'], strategy: 'constant', fillValue: -1 }],
      }).featureNames,
    ).toEqual(['gap']);
  });

  it('an infinite value that would make a fitted parameter infinite', () => {
    const inf: Frame = { rows: 3, columns: [{ name: 'v', type: 'number', values: Float64Array.of(1, Infinity, 2) }] };
    expect(fitError({ features: ['v'], steps: [{ op: 'standardize', columns: ['v'] }] }, inf)).toMatch(
      /step 0 \(standardize\), fitting: column 'v' cannot be fitted: it holds Infinity at row 1/,
    );
    expect(fitError({ features: ['v'], steps: [] }, inf)).toMatch(
      /feature 'v' has 1 infinite value after the pipeline in the training rows \(first at row 1\)/,
    );
  });

  it("missing: 'error' refuses a missing category at fit", () => {
    expect(fitError({ features: ['island'], steps: [{ op: 'onehot', columns: ['island'], missing: 'error' }] })).toMatch(
      /step 0 \(onehot\), fitting: column 'island' has 1 missing values \(missing: 'error'\)/,
    );
  });

  it('an id-like column with too many categories', () => {
    const ids = frameFromRows(Array.from({ length: 1500 }, (_, i) => ({ id: `u${i}` })));
    expect(fitError({ features: ['id'], steps: [{ op: 'onehot', columns: ['id'] }] }, ids)).toMatch(
      /step 0 \(onehot\), fitting: column 'id' has 1500 categories .*set maxCategories or minFrequency/,
    );
  });

  it('zero training rows', () => {
    expect(
      fitError({ features: ['x'], steps: [] }, { rows: 0, columns: [{ name: 'x', type: 'number', values: new Float64Array(0) }] }),
    ).toMatch(/cannot fit on 0 rows/);
  });

  it('an output name collision between a category and a column', () => {
    const f = frameFromRows([{ a: 'b', 'a=b': 1 }]);
    expect(fitError({ features: ['a', 'a=b'], steps: [{ op: 'onehot', columns: ['a'] }] }, f)).toMatch(
      /two output features are named 'a=b'/,
    );
  });
});

describe('transform: the input frame is checked against what was fitted', () => {
  const fitted = fitFeaturePipeline(numericGap, {
    features: ['x', 'y', 'island'],
    steps: [
      { op: 'standardize', columns: ['x'] },
      { op: 'impute', columns: ['y'], strategy: 'mean' },
      { op: 'onehot', columns: ['island'], handleUnknown: 'error' },
    ],
  });

  it('a missing input column', () => {
    expect(() => transformFeatures(fitted, frameFromRows([{ x: 1, island: 'Dream' }]))).toThrow(
      /input column 'y' is missing \(the pipeline was fitted on 4 rows with it; columns here: x, island\)/,
    );
  });

  it('a column of another type', () => {
    expect(() => transformFeatures(fitted, frameFromRows([{ x: 'one', y: 1, island: 'Dream' }]))).toThrow(
      "feature pipeline: input column 'x' is a string column, but the pipeline was fitted on a number column",
    );
  });

  it("an unseen category with handleUnknown 'error' names the column, the value and the row", () => {
    expect(() =>
      transformFeatures(
        fitted,
        frameFromRows([
          { x: 1, y: 1, island: 'Dream' },
          { x: 1, y: 1, island: 'Torgersen' },
        ]),
      ),
    ).toThrow(
      "feature pipeline step 2 (onehot), transforming: column 'island' has \"Torgersen\" at row 1, a category not seen in the training rows (handleUnknown: 'error')",
    );
  });

  it('a missing value where the training rows had none and no step imputes it', () => {
    expect(() =>
      transformFeatures(
        fitted,
        frameFromRows([
          { x: 1, y: 1, island: 'Dream' },
          { x: null, y: 1, island: 'Dream' },
        ]),
      ),
    ).toThrow(/feature 'x' still has 1 missing value after the pipeline in the rows to transform \(first at row 1\).*no impute step/);
  });
});

describe('parseFittedPipeline: fitted JSON is checked before it is trusted', () => {
  const good = JSON.parse(
    JSON.stringify(
      fitFeaturePipeline(numericGap, {
        features: ['x', 'island'],
        steps: [
          { op: 'standardize', columns: ['x'] },
          { op: 'onehot', columns: ['island'] },
        ],
      }),
    ),
  ) as Record<string, unknown>;

  it('another format or version', () => {
    expect(() => parseFittedPipeline({ ...good, format: 'tideflow.features' })).toThrow(
      /format is "tideflow.features", expected 'tideflow.feature-pipeline'/,
    );
    expect(() => parseFittedPipeline({ ...good, version: 2 })).toThrow(/version 2 is not supported \(this build reads version 1\)/);
    expect(() => parseFittedPipeline(null)).toThrow(/not a fitted feature pipeline/);
  });

  it('tampered parameters', () => {
    const steps = good.steps as { op: string; columns: { scale: number }[] }[];
    const zeroScale = { ...good, steps: [{ ...steps[0], columns: [{ ...steps[0]?.columns[0], scale: 0 }] }, steps[1]] };
    expect(() => parseFittedPipeline(zeroScale)).toThrow(/steps\.0\.columns\.0\.scale/);
    expect(() => parseFittedPipeline({ ...good, steps: [steps[1], steps[0]] })).toThrow(/step 0 \(standardize\) was fitted as 'onehot'/);
    expect(() => parseFittedPipeline({ ...good, steps: [steps[0]] })).toThrow(/1 fitted steps for 2 spec steps/);
    expect(() => parseFittedPipeline({ ...good, inputs: [] })).toThrow(/no input type recorded for feature 'x'/);
  });

  it('accepts the untouched JSON', () => {
    expect(parseFittedPipeline(good).featureNames).toEqual(['x', 'island=Biscoe', 'island=Dream', 'island=(missing)']);
  });
});
