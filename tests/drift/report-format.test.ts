/**
 * The drift report's one declaration (activities/drift/report-format.ts, defineArtifact): reports
 * written by every version of the monitor so far still parse, and a bad or newer one fails naming
 * the document and the field.
 */
import { describe, expect, it } from 'vitest';
import { driftReport, type DriftReport } from '../../activities/drift/report-format';
import { ArtifactError } from '../../core/errors';

const column = {
  column: 'body_mass_g',
  kind: 'numeric',
  method: 'ks',
  score: 0.0001,
  statistic: 0.41,
  threshold: 0.05,
  drifted: true,
  referenceRows: 333,
  currentRows: 120,
};

/** A report as the first monitor wrote it (commit 072dbae): no window, no performance, a reference without `profile`. */
const firstReport = {
  format: 'tideflow.drift-report',
  version: 1,
  model: 'penguins',
  reference: { kind: 'champion', version: 3, uri: 's3://tideflow/artifacts/sha256/ab/abc' },
  currentSource: 's3://tideflow/data/today.csv',
  rows: { reference: 333, current: 120 },
  columns: [
    column,
    { ...column, column: 'island', kind: 'categorical', method: 'chisquare', drifted: false, unseenCategories: ['Atlantis'] },
  ],
  driftedColumns: 1,
  share: 0.5,
  driftShare: 0.5,
  drifted: true,
  histograms: {
    body_mass_g: { edges: [2700, 3600, 4500, 5400, 6300], reference: [50, 150, 100, 33], current: [0, 10, 60, 50] },
    island: { reference: { Biscoe: 163, Dream: 123, Torgersen: 47 }, current: { Biscoe: 100, Atlantis: 20 } },
  },
};

/** A report of a prediction-log window with performance drift, as the monitor writes it today. */
const windowReport = {
  ...firstReport,
  reference: { kind: 'version', version: 4, uri: 's3://tideflow/artifacts/sha256/cd/cde', profile: true },
  currentSource: 's3://tideflow/predictions/penguins/day=2024-05-01/',
  window: {
    location: 's3://tideflow/predictions/penguins/day=2024-05-01/',
    day: '2024-05-01',
    version: 4,
    versions: { '4': 120 },
    files: 3,
    labelFiles: 1,
    labelColumns: ['species'],
    rows: 120,
    labeledRows: 80,
  },
  performance: {
    rows: 120,
    labeledRows: 80,
    missingLabel: 40,
    missingPrediction: 0,
    status: 'drift',
    drifted: true,
    task: 'classification',
    minLabeledRows: 30,
    champion: { version: 4 },
    metrics: [
      {
        metric: 'accuracy',
        higherIsBetter: true,
        current: 0.81,
        champion: 0.95,
        championKey: 'accuracy',
        degradation: 0.14,
        relativeDegradation: 0.147,
        maxDrop: 0.05,
        verdict: 'drift',
        reason: 'accuracy 0.81 vs 0.95: dropped 0.14 > 0.05',
      },
    ],
    driftedMetrics: ['accuracy'],
    summary: 'performance drift: accuracy 0.81 (champion 0.95)',
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  },
};

describe('tideflow.drift-report', () => {
  it('reads the first reports (no window, no performance, no profile flag) and today’s window reports', () => {
    const first: DriftReport = driftReport.parse(firstReport, 's3://b/first.json');
    expect(first.reference).toEqual({ kind: 'champion', version: 3, uri: 's3://tideflow/artifacts/sha256/ab/abc' });
    expect(first.window).toBeUndefined();
    const today = driftReport.parse(windowReport, 's3://b/window.json');
    expect(today.performance?.driftedMetrics).toEqual(['accuracy']);
    expect(today.window?.labeledRows).toBe(80);
  });

  it('reads a report without a format version as version 1; a source reference needs no version', () => {
    const { version: _v, ...unversioned } = firstReport;
    expect(driftReport.parse({ ...unversioned, reference: { kind: 'source', source: 'npm:x/y.json' } }, 'r.json').version).toBe(1);
  });

  it('refuses another format, a newer version, and a bad field, naming the document and the field', () => {
    expect(() => driftReport.parse({ ...firstReport, format: 'tideflow.validation' }, 's3://b/r.json')).toThrow(
      's3://b/r.json is not a tideflow.drift-report: its format is "tideflow.validation"',
    );
    expect(() => driftReport.parse({ ...firstReport, version: 2 }, 'r.json')).toThrow(
      'r.json is tideflow.drift-report version 2; this worker reads version 1',
    );
    const bad = { ...firstReport, columns: [{ ...column, method: 't-test' }] };
    expect(() => driftReport.parse(bad, 'r.json')).toThrow(ArtifactError);
    expect(() => driftReport.parse(bad, 'r.json')).toThrow(/^r\.json is not a valid tideflow\.drift-report: columns\.0\.method: /);
  });
});
