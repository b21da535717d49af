/**
 * The prediction log's batch encoding (serve/prediction-log.ts): requests only queue their frames,
 * and one flush builds the batch column by column. The batch must hold exactly what each request
 * scored, row by row, whatever mix of single-row and multi-row requests it holds; and the Arrow
 * file (request ids as plain utf8) must read back unchanged.
 */
import { describe, expect, it } from 'vitest';
import { frameToRows, type Frame } from '../../ml/frame/frame';
import { frameFromArrow, frameToArrow } from '../../ml/io/arrow';
import type { Scores } from '../../ml/predict';
import { batchFrame } from '../../serve/prediction-log';
import type { ServedModel } from '../../serve/models';

const served = {
  name: 'flights',
  version: 3,
  model: { artifact: { task: 'classification', classes: ['on_time', 'late'] } },
} as unknown as ServedModel;

function inputs(n: number, from: number): Frame {
  return {
    rows: n,
    columns: [
      { name: 'distance', type: 'number', values: Float64Array.from({ length: n }, (_, i) => from + i) },
      { name: 'origin', type: 'string', values: Array.from({ length: n }, (_, i) => `O${from + i}`) },
    ],
  };
}

function scores(n: number, from: number): Scores {
  const late = Array.from({ length: n }, (_, i) => (from + i) / 10);
  return {
    rows: n,
    labels: late.map((p) => (p > 0.5 ? 'late' : 'on_time')),
    proba: Float64Array.from(late.flatMap((p) => [1 - p, p])),
    values: Float64Array.from(late, (p) => (p > 0.5 ? 1 : 0)),
  };
}

describe('prediction log batches', () => {
  const entries = [
    { requestId: 'a', at: 1000, served, inputs: inputs(1, 0), scores: scores(1, 0) },
    { requestId: 'b', at: 2000, served, inputs: inputs(3, 1), scores: scores(3, 1) },
    { requestId: 'c', at: 3000, served, inputs: inputs(1, 4), scores: scores(1, 4) },
  ];

  it('holds every row of every request with its own meta, inputs and outputs', () => {
    const frame = batchFrame(entries);
    expect(frame.columns.map((c) => c.name)).toEqual([
      'request_id',
      'row_index',
      'scored_at',
      'model',
      'model_version',
      'distance',
      'origin',
      'prediction',
      'proba_on_time',
      'proba_late',
    ]);
    const rows = frameToRows(frame);
    expect(rows.map((r) => [r.request_id, r.row_index, r.distance, r.origin, r.prediction])).toEqual([
      ['a', 0, 0, 'O0', 'on_time'],
      ['b', 0, 1, 'O1', 'on_time'],
      ['b', 1, 2, 'O2', 'on_time'],
      ['b', 2, 3, 'O3', 'on_time'],
      ['c', 0, 4, 'O4', 'on_time'],
    ]);
    expect(rows.map((r) => r.proba_late)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(rows.map((r) => r.model_version)).toEqual([3, 3, 3, 3, 3]);
    expect(frame.columns.find((c) => c.name === 'scored_at')?.values).toEqual(Float64Array.from([1000, 2000, 2000, 2000, 3000]));
  });

  it('reads back from Arrow unchanged, request ids written as plain utf8', () => {
    const frame = batchFrame(entries);
    expect(frameToRows(frameFromArrow(frameToArrow(frame, { plainStrings: ['request_id'] })))).toEqual(frameToRows(frame));
  });

  it('is empty for no requests', () => {
    expect(batchFrame([])).toEqual({ rows: 0, columns: [] });
  });
});
