/**
 * Every new param of the ML DAGs is checked at trigger time (the schema the client and the
 * workflow both parse): a bad expression, lookback, cutoff, folds or fraction fails with its
 * path and what is wrong, and an unknown param (e.g. `interval`) is an error, not ignored.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import batchPredict from '../../dags/batch_predict';
import mlRetrain from '../../dags/ml_retrain';
import { filterParam, deriveParam } from '../../dags/params/shaping';
import { splitParam, validationParams } from '../../dags/params/split';
import { windowParam } from '../../dags/params/window';

function issues(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  if (r.success) return '';
  return r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

describe('params of data shaping, windows and splits', () => {
  it('derive and filter: each expression parsed; the error names the column or index and the expression', () => {
    expect(issues(deriveParam, { delayed: 'd.delay > 15', hour: 'op.utchours(d.date)' })).toBe('');
    expect(issues(deriveParam, { delayed: 'd.delay > 15', bad: 'process.exit(1)' })).toBe(
      `bad: expression 'process.exit(1)': Invalid function call: "process.exit(1)"`,
    );
    expect(issues(filterParam, ['d.x > 1', "''.constructor.constructor`x```"])).toMatch(/^1: expression .*template literals/);
    expect(issues(filterParam, 'd.x +')).toBe(`(root): expression 'd.x +': is not a valid expression`);
    expect(issues(filterParam, [])).toMatch(/too_small|>=1|at least/i);
  });

  it('window: a lookback duration and a partition key, nothing else', () => {
    expect(windowParam.parse({ lookback: '90 days' })).toEqual({ lookback: '90 days', partition: 'dt' });
    expect(issues(windowParam, { lookback: '3 months' })).toMatch(/^lookback: '3 months' is not a duration like '90 days'/);
    expect(issues(windowParam, { lookback: '0 days' })).toMatch(/lookback: '0 days' must be longer than zero/);
    expect(issues(windowParam, { lookback: '1 day', start: '2024-01-01' })).toMatch(/(Unrecognized|unknown) key.*start/);
  });

  it('split: cutoff ISO or relative, only with the time strategy; folds 0 or 2..20; fractions in (0, 1); scoreTopK ≥ 1', () => {
    expect(issues(splitParam, { strategy: 'time', timeColumn: 'date', cutoff: '2001-04-01' })).toBe('');
    expect(issues(splitParam, { strategy: 'time', timeColumn: 'date', cutoff: 'dataIntervalEnd - 30 days' })).toBe('');
    expect(issues(splitParam, { strategy: 'time', timeColumn: 'date', cutoff: 'dataIntervalEnd - 1 month' })).toMatch(
      /^cutoff: '1 month' is not a duration/,
    );
    expect(issues(splitParam, { strategy: 'time', timeColumn: 'date', cutoff: 'April' })).toMatch(/^cutoff: 'April' is not an ISO date/);
    expect(issues(splitParam, { strategy: 'random', cutoff: '2001-04-01' })).toBe("cutoff: cutoff needs strategy 'time' (got 'random')");
    expect(issues(splitParam, { strategy: 'time' })).toBe("timeColumn: strategy 'time' needs timeColumn");
    expect(issues(validationParams.folds, 1)).toMatch(/folds is 0 \(one holdout validation split\) or 2\.\.20/);
    expect(validationParams.folds.parse(0)).toBe(0);
    expect(issues(validationParams.validationFraction, 1)).not.toBe('');
    expect(issues(validationParams.scoreTopK, 0)).not.toBe('');
  });
});

describe('the DAGs take them, and refuse unknown params', () => {
  const retrain = mlRetrain.params as z.ZodType;
  const predict = batchPredict.params as z.ZodType;

  it('ml_retrain: derive, filter, window, cutoff, folds 0, validationFraction and scoreTopK parse; bad ones name the param', () => {
    const ok = retrain.safeParse({
      derive: { delayed: 'd.delay > 15' },
      filter: 'd.distance > 0',
      window: { lookback: '90 days' },
      split: { strategy: 'time', timeColumn: 'date', cutoff: 'dataIntervalEnd - 30 days' },
      folds: 0,
      validationFraction: 0.1,
      scoreTopK: 3,
    });
    expect(ok.error?.issues ?? []).toEqual([]);
    expect(issues(retrain, { derive: { y: 'globalThis' } })).toMatch(/^derive\.y: expression 'globalThis': Invalid variable reference/);
    expect(issues(retrain, { window: { lookback: 'soon' } })).toMatch(/^window\.lookback: 'soon' is not a duration/);
    expect(issues(retrain, { split: { strategy: 'time', timeColumn: 'ts', cutoff: 'x' } })).toMatch(/^split\.cutoff: 'x' is not/);
    expect(issues(retrain, { folds: 1 })).toMatch(/^folds: folds is 0/);
    expect(issues(retrain, { scoreTopK: 0 })).toMatch(/^scoreTopK: /);
    expect(issues(retrain, { interval: { start: '2024-01-01', end: '2024-02-01' } })).toMatch(/(Unrecognized|unknown) key.*interval/);
  });

  it('batch_predict: the same shaping and window params; unknown params are refused', () => {
    expect(issues(predict, { derive: { hour: 'op.utchours(d.date)' }, filter: ['d.x > 0'], window: { lookback: '7 days' } })).toBe('');
    expect(issues(predict, { filter: ['d.x > 0', 'this'] })).toMatch(/^filter\.1: expression 'this': `this` is not allowed/);
    expect(issues(predict, { interval: { start: '2024-01-01', end: '2024-02-01' } })).toMatch(/(Unrecognized|unknown) key.*interval/);
  });
});
