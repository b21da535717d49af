/** A prediction-log window (pure): version choice, labels joined by request id and row index, probabilities, errors naming the partition. */
import { describe, expect, it } from 'vitest';
import { logWindow, servedVersion, type LogFile } from '../../ml/drift/log-window';
import { frameFromRows, type Row } from '../../ml/frame/frame';

/** One logged request per entry: [request id, version, rows' x values]. */
function logFile(key: string, requests: Array<[string, number, number[]]>, labels?: Row[]): LogFile {
  const rows = requests.flatMap(([id, version, xs]) =>
    xs.map((x, i) => ({
      request_id: id,
      row_index: i,
      model_version: version,
      x,
      prediction: x > 0 ? 'yes' : 'no',
      proba_no: x > 0 ? 0.2 : 0.7,
      proba_yes: x > 0 ? 0.8 : 0.3,
    })),
  );
  return { key, log: frameFromRows(rows), ...(labels && { labels: frameFromRows(labels) }) };
}

describe('logWindow', () => {
  it("'served': the version with the most rows; labels join on request id + row index; other versions are counted, not kept", () => {
    const files = [
      logFile(
        'a.arrow',
        [
          ['r1', 1, [1, -1]],
          ['r2', 1, [2]],
        ],
        [
          { request_id: 'r1', row_index: 1, y: 'no' },
          { request_id: 'r2', row_index: 0, y: 'yes' },
          { request_id: 'zz', row_index: 0, y: 'yes' },
        ],
      ),
      logFile('b.arrow', [
        ['r3', 2, [5]],
        ['r4', 1, [-3]],
      ]),
    ];
    const w = logWindow(files, 'served', 's3://b/predictions/m/dt=2026-12-04/');
    expect(w).toMatchObject({ version: 1, versions: { 1: 4, 2: 1 }, files: 2, labelFiles: 1, labelColumns: ['y'], labeledRows: 2 });
    expect(w.rows.map((r) => [r['request_id'], r['row_index'], r['x'], r['y']])).toEqual([
      ['r1', 0, 1, undefined],
      ['r1', 1, -1, 'no'],
      ['r2', 0, 2, 'yes'],
      ['r4', 0, -3, undefined],
    ]);
    expect(w.rows[0]?.['probabilities']).toEqual({ no: 0.2, yes: 0.8 });
    expect(logWindow(files, 2, 'p').rows.map((r) => r['request_id'])).toEqual(['r3']);
  });

  it('ties go to the newer version; a version with no rows and an empty window are errors naming the partition', () => {
    expect(servedVersion({ 1: 3, 2: 3 })).toBe(2);
    expect(servedVersion({})).toBeUndefined();
    const files = [logFile('a.arrow', [['r1', 1, [1]]])];
    expect(() => logWindow(files, 3, 's3://b/predictions/m/dt=2026-12-04/')).toThrow(
      's3://b/predictions/m/dt=2026-12-04/ has no rows answered by version 3 (versions: v1 1 rows)',
    );
    expect(() => logWindow([], 'served', 'the partition')).toThrow('the partition holds no rows');
  });

  it('a labels file with more than one label column, or one named like a log column, is refused', () => {
    const two = logFile('a.arrow', [['r1', 1, [1]]], [{ request_id: 'r1', row_index: 0, y: 'no', z: 1 }]);
    expect(() => logWindow([two], 'served', 'p')).toThrow('labels of a.arrow: expected request_id, row_index and one label column');
    const clash = logFile('a.arrow', [['r1', 1, [1]]], [{ request_id: 'r1', row_index: 0, prediction: 'no' }]);
    expect(() => logWindow([clash], 'served', 'p')).toThrow("the label column 'prediction' is also a column of the log");
  });

  it('past maxRows: a uniform sample of that many rows of the version, the same on every run, labels kept with their rows', () => {
    const big = (key: string, from: number) =>
      logFile(
        key,
        Array.from({ length: 500 }, (_, i): [string, number, number[]] => [`r${from + i}`, i % 10 === 0 ? 2 : 1, [i - 250]]),
        Array.from({ length: 500 }, (_, i) => ({ request_id: `r${from + i}`, row_index: 0, y: i % 2 === 0 ? 'yes' : 'no' })),
      );
    const files = [big('a.arrow', 0), big('b.arrow', 500)];
    const w = logWindow(files, 'served', 'p', 300);
    expect(w).toMatchObject({ version: 1, versions: { 1: 900, 2: 100 }, sampledFrom: 900, labeledRows: 300 });
    expect(w.rows).toHaveLength(300);
    expect(w.rows.every((r) => r['model_version'] === 1)).toBe(true);
    const ids = w.rows.map((r) => String(r['request_id']));
    expect(new Set(ids).size).toBe(300);
    // Both files contribute about their share (450 rows each): a sample, not the first 300 rows.
    const fromB = ids.filter((id) => Number(id.slice(1)) >= 500).length;
    expect(fromB).toBeGreaterThan(100);
    expect(fromB).toBeLessThan(200);
    // Labels stay joined: y alternates with the request number.
    const expectedLabel = (id: unknown): string => ((Number(String(id).slice(1)) % 500) % 2 === 0 ? 'yes' : 'no');
    expect(w.rows.filter((r) => r['y'] !== expectedLabel(r['request_id']))).toEqual([]);
    expect(logWindow(files, 'served', 'p', 300).rows.map((r) => r['request_id'])).toEqual(w.rows.map((r) => r['request_id']));
    expect(logWindow(files, 'served', 'p', 900)).not.toHaveProperty('sampledFrom');
  });
});
