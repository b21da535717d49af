/** Pure parts of serving: request cells → the model's typed frame, model references, and the label join. */
import { describe, expect, it } from 'vitest';
import { frameToRows, type ColumnSchema } from '../../ml/frame/frame';
import { frameForModel, PredictionInputError } from '../../ml/predict';
import { indexLabels, joinLabels } from '../../ml/predict/labels';
import { frameFromRows } from '../../ml/frame/frame';
import { parseModelRef } from '../../serve/model-ref';
import { labelsKeyFor, predictionLogKey } from '../../ml/predict/log-layout';

const schema: ColumnSchema[] = [
  { name: 'x', type: 'number' },
  { name: 'flag', type: 'boolean' },
  { name: 'at', type: 'timestamp' },
  { name: 'kind', type: 'string' },
];
const cols = (c: Record<string, unknown[]>, rows = 2) => ({ rows, columns: new Map(Object.entries(c)) });

describe('frameForModel', () => {
  it('types cells as at training: numeric strings, booleans, ISO times, labels; null and absent are missing', () => {
    const f = frameForModel(
      schema,
      cols({ x: [1.5, ' 2 '], flag: [true, 'false'], at: ['2024-01-02', 0], kind: [7, null], extra: [{}, {}] }),
    );
    expect(f.columns.map((c) => c.name)).toEqual(['x', 'flag', 'at', 'kind']);
    expect(frameToRows(f)).toEqual([
      { x: 1.5, flag: true, at: '2024-01-02T00:00:00.000Z', kind: '7' },
      { x: 2, flag: false, at: '1970-01-01T00:00:00.000Z', kind: null },
    ]);
    expect(
      frameToRows(frameForModel(schema, cols({ x: [undefined, null], flag: [1, 0], at: [null, null], kind: ['a', 'b'] })))[0],
    ).toMatchObject({ x: null });
  });

  it.each([
    [{ flag: [1, 1], at: [0, 0], kind: ['a', 'b'] }, /^missing column 'x': the model needs x \(number\), flag \(boolean\)/],
    [{ x: [1, 'abc'], flag: [1, 1], at: [0, 0], kind: ['a', 'b'] }, /^column 'x', row 1: "abc" is not a number$/],
    [{ x: [1, ''], flag: [1, 1], at: [0, 0], kind: ['a', 'b'] }, /^column 'x', row 1: "" is not a number$/],
    [{ x: [1, 2], flag: [1, 'yes'], at: [0, 0], kind: ['a', 'b'] }, /^column 'flag', row 1: "yes" is not a boolean/],
    [{ x: [1, 2], flag: [1, 1], at: ['soon', 0], kind: ['a', 'b'] }, /^column 'at', row 0: "soon" is not an ISO-8601/],
    [
      { x: [1, 2], flag: [1, 1], at: [0, 0], kind: ['a', ['b']] },
      /^column 'kind', row 1: \["b"\] is an array; the model expects a string$/,
    ],
  ])('refuses bad input naming column and row (%#)', (c, message) => {
    expect(() => frameForModel(schema, cols(c))).toThrow(PredictionInputError);
    expect(() => frameForModel(schema, cols(c))).toThrow(message);
  });
});

describe('model references', () => {
  it('name, name@alias, name/versions/N, and a separate version', () => {
    expect(parseModelRef('penguins', 'champion')).toEqual({ name: 'penguins', alias: 'champion' });
    expect(parseModelRef('penguins@challenger', 'champion')).toEqual({ name: 'penguins', alias: 'challenger' });
    expect(parseModelRef('penguins/versions/3', 'champion')).toEqual({ name: 'penguins', version: 3 });
    expect(parseModelRef('penguins', 'champion', '4')).toEqual({ name: 'penguins', version: 4 });
    expect(() => parseModelRef('pen/guins', 'champion')).toThrow(/invalid model name/);
    expect(() => parseModelRef('penguins@a b', 'champion')).toThrow(/invalid alias 'a b'/);
    expect(() => parseModelRef('penguins@x', 'champion', '2')).toThrow(/an alias or a version, not both/);
    expect(() => parseModelRef('penguins', 'champion', '0')).toThrow(/positive integer, got '0'/);
  });
});

describe('prediction log layout and labels', () => {
  it('partitions by day, time first', () => {
    expect(predictionLogKey('p/', 'm', new Date('2026-12-04T15:01:02.345Z'), 'u')).toBe(
      'p/predictions/m/dt=2026-12-04/20261204T150102345Z-u.arrow',
    );
  });

  it('puts labels next to the log file, hidden from partition readers', () => {
    expect(labelsKeyFor('p/predictions/m/dt=2026-12-04/t-u.arrow')).toBe('p/predictions/m/dt=2026-12-04/_t-u.labels.arrow');
  });

  it('joins labels by request id and row, or by request id alone', () => {
    const log = frameFromRows([
      { request_id: 'a', row_index: 0, prediction: 'x' },
      { request_id: 'a', row_index: 1, prediction: 'y' },
      { request_id: 'b', row_index: 0, prediction: 'x' },
      { request_id: 'c', row_index: 0, prediction: 'x' },
    ]);
    const labels = frameFromRows([
      { request_id: 'a', row_index: 1, label: 'Y' },
      { request_id: 'c', row_index: null, label: 'Z' },
      { request_id: 'zzz', row_index: 0, label: 'Q' },
    ]);
    expect(frameToRows(joinLabels(log, indexLabels(labels, 'label')) ?? { rows: 0, columns: [] })).toEqual([
      { request_id: 'a', row_index: 1, label: 'Y' },
      { request_id: 'c', row_index: 0, label: 'Z' },
    ]);
    expect(joinLabels(log, indexLabels(frameFromRows([{ request_id: 'q', label: 1 }]), 'label'))).toBeUndefined();
    expect(() => indexLabels(labels, 'species')).toThrow(/column 'species' does not exist/);
  });
});
