/**
 * A feature pipeline spec that is wrong before any data is read: the spec's own shape (zod) and
 * the static plan against the input columns; each error names the step (index and op) and the
 * field or column. Errors from the data: feature-pipeline-errors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { FeaturePipelineError, parseFeatureSpec, planFeatureSpec, type FeaturePipelineSpecInput } from '../../ml/features';
import { schemaOf } from '../../ml/frame/frame';
import { fitError, numericGap } from './feature-error-helpers';

describe('spec (zod): the error names the step index, its op and the field', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'unknown op',
      {
        features: ['x'],
        steps: [
          { op: 'standardize', columns: ['x'] },
          { op: 'frobnicate', columns: ['x'] },
        ],
      },
      /step 1 \(frobnicate\) op/,
    ],
    ['nBins below 2', { features: ['x'], steps: [{ op: 'bin', columns: ['x'], nBins: 1 }] }, /step 0 \(bin\) nBins/],
    [
      'bad time zone',
      { features: ['w'], steps: [{ op: 'date_parts', columns: ['w'], timezone: 'Mars/Olympus' }] },
      /step 0 \(date_parts\) timezone: not an IANA time zone/,
    ],
    [
      'inverted minmax range',
      { features: ['x'], steps: [{ op: 'minmax', columns: ['x'], range: [1, 0] }] },
      /step 0 \(minmax\) range: range must be \[low, high\]/,
    ],
    [
      'column listed twice',
      { features: ['x'], steps: [{ op: 'log', columns: ['x', 'x'] }] },
      /step 0 \(log\) columns: a column is listed twice/,
    ],
    [
      'fractional count',
      { features: ['i'], steps: [{ op: 'onehot', columns: ['i'], minFrequency: 2.5 }] },
      /step 0 \(onehot\) minFrequency/,
    ],
    ['no features', { features: [], steps: [] }, /features: list at least one column/],
    [
      'unknown date part',
      { features: ['w'], steps: [{ op: 'date_parts', columns: ['w'], parts: ['fortnight'] }] },
      /step 0 \(date_parts\) parts\.0/,
    ],
  ];
  for (const [name, spec, pattern] of cases) {
    it(name, () => {
      expect(() => parseFeatureSpec(spec)).toThrow(FeaturePipelineError);
      expect(() => parseFeatureSpec(spec)).toThrow(pattern);
    });
  }
});

describe('plan: spec against the input columns, before any data is read', () => {
  const schema = schemaOf(numericGap);
  const cases: [string, FeaturePipelineSpecInput, RegExp][] = [
    [
      'input column missing',
      { features: ['x', 'nope'], steps: [] },
      /input column 'nope' does not exist \(columns: x, y, island, when, gap\)/,
    ],
    [
      'scaling a string column',
      {
        features: ['x', 'island'],
        steps: [
          { op: 'impute', columns: ['x'] },
          { op: 'standardize', columns: ['x', 'island'] },
        ],
      },
      /step 1 \(standardize\): column 'island' is a string column; standardize needs numbers/,
    ],
    [
      'median of strings',
      { features: ['island'], steps: [{ op: 'impute', columns: ['island'], strategy: 'median' }] },
      /step 0 \(impute\): column 'island' is a string column; strategy 'median' needs numbers/,
    ],
    [
      'date parts of a number',
      { features: ['x'], steps: [{ op: 'date_parts', columns: ['x'] }] },
      /step 0 \(date_parts\): column 'x' is a number column; date_parts needs a timestamp column/,
    ],
    [
      'using an encoded column',
      {
        features: ['island'],
        steps: [
          { op: 'onehot', columns: ['island'] },
          { op: 'drop', columns: ['island'] },
          { op: 'log', columns: ['island'] },
        ],
      },
      /step 2 \(log\): column 'island' is not a working column here/,
    ],
    [
      'scaling an encoded column',
      {
        features: ['island'],
        steps: [
          { op: 'onehot', columns: ['island'] },
          { op: 'standardize', columns: ['island'] },
        ],
      },
      /step 1 \(standardize\): column 'island' was one-hot encoded by an earlier step/,
    ],
    [
      'column not among the features',
      { features: ['x'], steps: [{ op: 'log', columns: ['y'] }] },
      /step 0 \(log\): column 'y' is not a working column here \(working columns: x\)/,
    ],
    ['string left at the end', { features: ['x', 'island'], steps: [] }, /feature 'island' is a string column: one-hot encode it/],
    ['timestamp left at the end', { features: ['when'], steps: [] }, /feature 'when' is a timestamp column: extract date_parts/],
    [
      'fill value of the wrong type',
      {
        features: ['island'],
        steps: [
          { op: 'impute', columns: ['island'], strategy: 'constant', fillValue: 0 },
          { op: 'onehot', columns: ['island'] },
        ],
      },
      /step 0 \(impute\): fillValue 0 does not fit column 'island', a string column/,
    ],
    [
      'interaction name taken',
      {
        features: ['x', 'y'],
        steps: [
          {
            op: 'interact',
            pairs: [
              ['x', 'y'],
              ['x', 'y'],
            ],
          },
        ],
      },
      /step 0 \(interact\): it would create column 'x\*y', which already exists/,
    ],
    ['nothing left', { features: ['x'], steps: [{ op: 'drop', columns: ['x'] }] }, /no feature is left/],
  ];
  for (const [name, spec, pattern] of cases) {
    it(name, () => {
      expect(() => planFeatureSpec(parseFeatureSpec(spec), schema)).toThrow(pattern);
      // Fitting runs the same check first.
      expect(fitError(spec)).toMatch(pattern);
    });
  }

  it('returns the final working columns of a good spec', () => {
    const spec = parseFeatureSpec({
      features: ['x', 'island', 'when'],
      steps: [
        { op: 'onehot', columns: ['island'] },
        { op: 'date_parts', columns: ['when'], parts: ['hour'] },
      ],
    });
    expect(planFeatureSpec(spec, schema)).toEqual([
      { name: 'x', type: 'number' },
      { name: 'island', type: 'encoded' },
      { name: 'when_hour', type: 'number' },
    ]);
  });
});
