/**
 * The validation report's one declaration (`tideflow.validation`, activities/ml/validate-data.ts;
 * statistics and anomalies declared with zod in ml/validation): what validateFrame computes fits
 * it, reports in the first version's shape parse, and a bad one fails naming the field.
 */
import { describe, expect, it } from 'vitest';
import { validationReport } from '../../activities/ml/validate-data';
import { ArtifactError } from '../../core/errors';
import { frameFromRows } from '../../ml/frame/frame';
import { parseDataSchema, validateFrame } from '../../ml/validation';

const schema = parseDataSchema({ columns: { id: { type: 'number', unique: true }, kind: { type: 'string', categories: ['a', 'b'] } } });

function reportOf(rows: Record<string, unknown>[]) {
  const frame = frameFromRows(rows);
  const { statistics, anomalies } = validateFrame(frame, schema, { previousRowCount: null });
  return {
    ...validationReport.head,
    dataset: { uri: 's3://tideflow/artifacts/sha256/ab/abc', sha256: 'ab'.repeat(32), rows: frame.rows },
    previousRowCount: null,
    schema,
    statistics,
    anomalies,
  };
}

describe('tideflow.validation', () => {
  it('a computed report, through JSON, parses as its declared format (numeric, string, boolean columns; anomalies)', () => {
    const written = reportOf([
      { id: 1, kind: 'a', ok: true, extra: 'x' },
      { id: 1, kind: 'c', ok: false, extra: 'y' },
      { id: 3, kind: 'b', ok: true, extra: null },
    ]);
    const read = validationReport.parse(JSON.parse(JSON.stringify(written)), 'report.json');
    expect(read.statistics.columns.map((c) => c.type)).toEqual(['number', 'string', 'boolean', 'string']);
    expect(read.anomalies.map((a) => a.kind).sort()).toEqual(['new_column', 'new_column', 'not_unique', 'out_of_domain']);
  });

  it('reads a first-version report (commit 2fc6e1e shape) and one without a format version', () => {
    const first = {
      format: 'tideflow.validation',
      version: 1,
      dataset: { uri: 's3://b/d.arrow', sha256: 'cd'.repeat(32), rows: 0 },
      previousRowCount: 12,
      schema: { columns: { id: { type: 'number' } } },
      statistics: { rows: 0, columns: [] },
      anomalies: [{ column: null, kind: 'too_few_rows', severity: 'error', message: 'the dataset has 0 rows; at least 1 expected' }],
    };
    expect(validationReport.parse(first, 'old.json').schema.minRows).toBe(1);
    const { version: _v, ...unversioned } = first;
    expect(validationReport.parse(unversioned, 'old.json').version).toBe(1);
  });

  it('refuses a bad report naming the document and the field', () => {
    const bad = reportOf([{ id: 1, kind: 'a' }]);
    const broken = { ...bad, anomalies: [{ column: 'id', kind: 'exploded', severity: 'error', message: 'x' }] };
    expect(() => validationReport.parse(broken, 's3://b/r.json')).toThrow(ArtifactError);
    expect(() => validationReport.parse(broken, 's3://b/r.json')).toThrow(
      /^s3:\/\/b\/r\.json is not a valid tideflow\.validation: anomalies\.0\.kind: /,
    );
  });
});
