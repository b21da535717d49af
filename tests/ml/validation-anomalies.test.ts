/**
 * Every anomaly kind, from CSV text through the real parser: the kind, the severity, and a
 * message that names the column and the numbers. Also schema checking, severity overrides,
 * the summary, and inferSchema.
 */
import { describe, expect, it } from 'vitest';
import { csvToFrame } from '../../ml/io/csv';
import type { Frame } from '../../ml/frame/frame';
import {
  ANOMALY_KINDS,
  computeStatistics,
  inferSchema,
  isBlocking,
  parseDataSchema,
  summarizeAnomalies,
  validateFrame,
  type Anomaly,
  type AnomalyKind,
  type DataSchemaInput,
} from '../../ml/validation';

const csv = (text: string): Frame => csvToFrame(text, { missingValues: ['NA'] });
const run = (frame: Frame, schema: DataSchemaInput, previousRowCount?: number | null): Anomaly[] =>
  validateFrame(frame, parseDataSchema(schema), { previousRowCount }).anomalies;
const kinds = (a: Anomaly[]): [string | null, AnomalyKind, string][] => a.map((x) => [x.column, x.kind, x.severity]);

/** The one anomaly of `kind`; fails when there is not exactly one. */
function only(a: Anomaly[], kind: AnomalyKind): Anomaly {
  const found = a.filter((x) => x.kind === kind);
  expect(found, JSON.stringify(a, null, 1)).toHaveLength(1);
  return found[0] as Anomaly;
}

const rowsOf = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

describe('anomalies', () => {
  const good = csv(
    `id,price,category,ts,member\n${rowsOf(100, (i) => `${i},${(i % 10) + 0.5},${['a', 'b', 'c'][i % 3]},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i % 2 === 0}`)}\n`,
  );
  const schema: DataSchemaInput = {
    columns: {
      id: { type: 'number', unique: true, min: 0 },
      price: { type: 'number', min: 0, max: 100 },
      category: { type: 'string', categories: ['a', 'b', 'c'] },
      ts: { type: 'timestamp', min: '2024-01-01', max: '2024-12-31T23:59:59Z' },
      member: { type: 'boolean', nullable: false },
    },
    minRows: 10,
  };

  it('a dataset that matches its schema has none', () => {
    expect(run(good, schema)).toEqual([]);
  });

  it('missing column: required and absent (error); not required: nothing', () => {
    const a = run(good, { columns: { ...schema.columns, weight: { type: 'number' }, note: { type: 'string', required: false } } });
    expect(kinds(a)).toEqual([['weight', 'missing_column', 'error']]);
    expect(a[0]?.message).toBe(
      "column 'weight' (number) is required but absent from the dataset (columns: id, price, category, ts, member)",
    );
  });

  it('new column: warning by default, error or ignored as the schema says', () => {
    const { member: _, ...fewer } = schema.columns;
    const a = only(run(good, { columns: fewer }), 'new_column');
    expect(a).toMatchObject({ column: 'member', severity: 'warning', message: "column 'member' (boolean) is not declared in the schema" });
    expect(only(run(good, { columns: fewer, newColumns: 'error' }), 'new_column').severity).toBe('error');
    expect(run(good, { columns: fewer, newColumns: 'ignore' })).toEqual([]);
  });

  it('type mismatch: text in a number column counts the values that are not numbers, with examples', () => {
    const f = csv(`price\n${rowsOf(97, (i) => String(i))}\nabc\nn/a\nabc\n`);
    const a = only(run(f, { columns: { price: { type: 'number', min: 0 } } }), 'type_mismatch');
    expect(a.severity).toBe('error');
    expect(a.message).toBe("column 'price' is declared number but holds text: 3 of 100 (3%) values are not numbers, e.g. 'abc', 'n/a'");
    expect(a.details).toMatchObject({ invalid: 3, present: 100, examples: ['abc', 'n/a'] });
  });

  it('type mismatch between typed columns, and the compatible cases (string reads anything, 0/1 reads as boolean)', () => {
    const f = csv('when,flag,code\n17,1,10\n18,0,20\n');
    expect(only(run(f, { columns: { when: { type: 'timestamp' } }, newColumns: 'ignore' }), 'type_mismatch').message).toBe(
      "column 'when' is declared timestamp but holds numbers, e.g. 17, 18",
    );
    expect(
      run(f, {
        columns: { flag: { type: 'boolean', categories: [true, false] }, code: { type: 'string', categories: ['10', '20'] } },
        newColumns: 'ignore',
      }),
    ).toEqual([]);
  });

  it('out of range: count, bounds, observed min/max and examples; timestamps in ISO', () => {
    const f = csv(`age,ts\n${rowsOf(98, (i) => `${i},2024-03-01`)}\n-1,2023-12-31T23:00:00Z\n250,2024-03-01\n`);
    const a = run(f, { columns: { age: { type: 'number', min: 0, max: 120 }, ts: { type: 'timestamp', min: '2024-01-01' } } });
    expect(kinds(a)).toEqual([
      ['age', 'out_of_range', 'error'],
      ['ts', 'out_of_range', 'error'],
    ]);
    expect(a[0]?.message).toBe("column 'age' has 2 of 100 (2%) values outside [0, 120] (observed min -1, max 250), e.g. -1, 250");
    expect(a[1]?.message).toBe(
      "column 'ts' has 1 of 100 (1%) values below the minimum 2024-01-01T00:00:00.000Z (observed min 2023-12-31T23:00:00.000Z, max 2024-03-01T00:00:00.000Z), e.g. 2023-12-31T23:00:00.000Z",
    );
  });

  it('out of domain: the share outside the categories vs its limit, most frequent first', () => {
    const f = csv(
      `color\n${rowsOf(90, (i) => ['red', 'blue'][i % 2] as string)}\n${rowsOf(7, () => 'Red')}\n${rowsOf(3, () => 'grene')}\n`,
    );
    const a = only(
      run(f, { columns: { color: { type: 'string', categories: ['red', 'blue', 'green'], maxOutOfDomainFraction: 0.05 } } }),
      'out_of_domain',
    );
    expect(a.message).toBe("column 'color' has 10 of 100 (10%) values outside its 3 categories (allowed 5%): 'Red' (7×), 'grene' (3×)");
    expect(run(f, { columns: { color: { type: 'string', categories: ['red', 'blue', 'green'], maxOutOfDomainFraction: 0.1 } } })).toEqual(
      [],
    );
  });

  it('missing values: over the limit, or any when not nullable', () => {
    const f = csv(`x,y\n${rowsOf(8, (i) => `${i},${i}`)}\nNA,1\n,\n`);
    const over = only(run(f, { columns: { x: { type: 'number', maxMissingFraction: 0.1 }, y: { type: 'number' } } }), 'missing_values');
    expect(over.message).toBe("column 'x' has 2 of 10 (20%) values missing, over its limit of 10%");
    const notNull = only(run(f, { columns: { x: { type: 'number' }, y: { type: 'number', nullable: false } } }), 'missing_values');
    expect(notNull.message).toBe("column 'y' is not nullable, but 1 of 10 (10%) values are missing");
  });

  it('all-null column: one anomaly naming it (a warning when the schema allows 100% missing)', () => {
    const f = csv('x,empty\n1,\n2,NA\n3,\n');
    const a = only(run(f, { columns: { x: { type: 'number' }, empty: { type: 'number', maxMissingFraction: 0.5 } } }), 'all_missing');
    expect(a).toMatchObject({
      column: 'empty',
      severity: 'error',
      message: "column 'empty' has no value: all 3 rows are missing (null, blank or a missing-value token)",
    });
    expect(
      only(run(f, { columns: { x: { type: 'number' }, empty: { type: 'number', maxMissingFraction: 1 } } }), 'all_missing').severity,
    ).toBe('warning');
  });

  it('non-finite: Infinity in a number column blocks; NaN counts as missing', () => {
    const f = csv('x\n1\ninf\n-Infinity\nNaN\n2\n');
    const a = run(f, { columns: { x: { type: 'number', maxMissingFraction: 0.25 } } });
    expect(kinds(a)).toEqual([['x', 'non_finite', 'error']]);
    expect(a[0]?.message).toBe("column 'x' has 2 of 4 (50%) infinite values (+Infinity 1, -Infinity 1)");
  });

  it('not unique: duplicated values with how often', () => {
    const f = csv('id,key\n1,a\n2,b\n2,b\n3,c\n3,c\n3,c\n,\n,\n');
    const a = run(f, { columns: { id: { type: 'number', unique: true }, key: { type: 'string', unique: true } } });
    expect(kinds(a)).toEqual([
      ['id', 'not_unique', 'error'],
      ['key', 'not_unique', 'error'],
    ]);
    expect(a[0]?.message).toBe("column 'id' must be unique, but 2 values occur more than once (3 extra rows), e.g. 3 (3×), 2 (2×)");
    expect(a[1]?.message).toBe("column 'key' must be unique, but 2 values occur more than once (3 extra rows), e.g. 'c' (3×), 'b' (2×)");
  });

  it('too few rows, and an empty partition (0 rows)', () => {
    expect(only(run(good, { ...schema, minRows: 500 }), 'too_few_rows').message).toBe('the dataset has 100 rows, fewer than minRows 500');
    const empty = csv('id,price,category,ts,member\n');
    const a = run(empty, schema);
    expect(kinds(a)).toEqual([[null, 'too_few_rows', 'error']]);
    expect(a[0]?.message).toBe(
      "the dataset is empty (0 rows): an empty partition, or no row in the run's data interval; at least 10 required",
    );
  });

  it("row count far off the previous run's (only when a previous count is known)", () => {
    const s = { ...schema, maxRowCountChange: 0.5 };
    expect(only(run(good, s, 250), 'row_count_change').message).toBe(
      "the dataset has 100 rows, 60% fewer than the previous run's 250 (allowed change ±50%)",
    );
    expect(only(run(good, s, 40), 'row_count_change').message).toBe(
      "the dataset has 100 rows, 150% more than the previous run's 40 (allowed change ±50%)",
    );
    expect(run(good, s, 150)).toEqual([]);
    expect(run(good, s, null)).toEqual([]);
    expect(only(run(good, { ...s, rowCountChangeSeverity: 'warning' }, 250), 'row_count_change').severity).toBe('warning');
  });

  it('a column severity override turns its errors into warnings', () => {
    const f = csv('x\n1\n-5\n');
    const a = run(f, { columns: { x: { type: 'number', min: 0, severity: 'warning' } } });
    expect(kinds(a)).toEqual([['x', 'out_of_range', 'warning']]);
    expect(a.some(isBlocking)).toBe(false);
  });

  it('covers every kind', () => {
    expect([...ANOMALY_KINDS].sort()).toEqual([
      'all_missing',
      'missing_column',
      'missing_values',
      'new_column',
      'non_finite',
      'not_unique',
      'out_of_domain',
      'out_of_range',
      'row_count_change',
      'too_few_rows',
      'type_mismatch',
    ]);
  });
});

describe('schema, summary, inference', () => {
  it('refuses contradictory or ill-typed schemas, naming the column', () => {
    expect(() => parseDataSchema({ columns: { a: { type: 'string', min: 1 } } })).toThrow(
      "column 'a': min/max apply to number and timestamp columns, not string",
    );
    expect(() => parseDataSchema({ columns: { t: { type: 'timestamp', min: 'yesterday' } } })).toThrow(
      `column 't': min must be an ISO-8601 date/time or epoch milliseconds, got "yesterday"`,
    );
    expect(() => parseDataSchema({ columns: { n: { type: 'number', min: 5, max: 1 } } })).toThrow(
      "column 'n': min 5 is greater than max 1",
    );
    expect(() => parseDataSchema({ columns: { n: { type: 'number', categories: ['x'] } } })).toThrow(
      `column 'n': categories of a number column must be numbers, got "x"`,
    );
    expect(() => parseDataSchema({ columns: { n: { type: 'number', nullable: false, maxMissingFraction: 0.1 } } })).toThrow(
      "column 'n': nullable false allows no missing value",
    );
    expect(() => parseDataSchema({ columns: { n: { type: 'integer' } } })).toThrow(/columns\.n\.type/);
    expect(() => parseDataSchema({ columns: {}, minRow: 3 })).toThrow(/minRow/);
    expect(parseDataSchema({ columns: { n: { type: 'number' } } })).toEqual({
      columns: { n: { type: 'number', required: true, nullable: true, maxOutOfDomainFraction: 0, unique: false } },
      minRows: 1,
      rowCountChangeSeverity: 'error',
      newColumns: 'warning',
    });
  });

  it('summarizes errors first, then warnings, with the report location', () => {
    const f = csv('x,extra\n1,a\n-5,b\n');
    const a = run(f, { columns: { x: { type: 'number', min: 0 } } });
    expect(summarizeAnomalies(a, { reportUri: 's3://b/r.json' })).toBe(
      [
        'data validation: 1 blocking anomaly, 1 warning',
        "  ERROR   [out_of_range] column 'x' has 1 of 2 (50%) values below the minimum 0 (observed min -5, max 1), e.g. -5",
        "  WARNING [new_column] column 'extra' (string) is not declared in the schema",
        'report: s3://b/r.json',
      ].join('\n'),
    );
    expect(summarizeAnomalies([])).toBe('data validation: no anomalies');
    const many = Array.from({ length: 30 }, (_, i): Anomaly => ({
      column: `c${i}`,
      kind: 'new_column',
      severity: 'warning',
      message: `m${i}`,
    }));
    expect(summarizeAnomalies(many).split('\n').at(-1)).toBe('  … and 10 more');
  });

  it('infers a schema like TFDV: types, required, nullable from presence, categories for small string domains', () => {
    const f = csv(
      `id,color,name,score,when\n${rowsOf(50, (i) => `${i},${['red', 'blue'][i % 2]},n${i},${i % 7 === 0 ? '' : i / 2},2024-01-01`)}\n`,
    );
    const inferred = inferSchema(computeStatistics(f));
    expect(inferred.columns).toEqual({
      id: { type: 'number', required: true, nullable: false, maxOutOfDomainFraction: 0, unique: false },
      color: { type: 'string', required: true, nullable: false, categories: ['blue', 'red'], maxOutOfDomainFraction: 0, unique: false },
      name: { type: 'string', required: true, nullable: false, maxOutOfDomainFraction: 0, unique: false },
      score: { type: 'number', required: true, nullable: true, maxOutOfDomainFraction: 0, unique: false },
      when: { type: 'timestamp', required: true, nullable: false, maxOutOfDomainFraction: 0, unique: false },
    });
    // The data it was inferred from passes it.
    expect(validateFrame(f, inferred).anomalies).toEqual([]);
  });
});
