/**
 * The prediction log's column batches (serve/log-batch.ts): every row of every request with its
 * own meta, inputs and outputs, column by column; Arrow round trip; regression values; input
 * columns found by name; dropping the oldest rows. The log's buffering around them:
 * prediction-log-buffer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { frameToRows, type Frame } from '../../ml/frame/frame';
import { frameFromArrow, frameToArrow } from '../../ml/io/arrow';
import { LogBatch } from '../../serve/log-batch';
import { classifier, inputs, iso, regressor, SCHEMA, scores } from './log-batch-fixtures';

describe('LogBatch', () => {
  /** Three requests to one version, single- and multi-row mixed, in one batch. */
  function mixedBatch(): Frame {
    const served = classifier(3);
    const b = new LogBatch(served, '1970-01-01', 1000, SCHEMA);
    b.append('a', 1000, inputs(1, 0), scores(1, 0));
    b.append('b', 2000, inputs(3, 1), scores(3, 1));
    b.append('c', 3000, inputs(1, 4), scores(1, 4));
    return b.toFrame();
  }

  it('holds every row of every request with its own meta, inputs and outputs', () => {
    const frame = mixedBatch();
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
      ['b', 1, 2, null, 'on_time'],
      ['b', 2, 3, 'O3', 'on_time'],
      ['c', 0, 4, 'O4', 'on_time'],
    ]);
    expect(rows.map((r) => r.proba_late)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(rows.map((r) => r.model_version)).toEqual([3, 3, 3, 3, 3]);
    expect(frame.columns.find((c) => c.name === 'scored_at')?.values).toEqual(Float64Array.from([1000, 2000, 2000, 2000, 3000]));
  });

  it('reads back from Arrow unchanged, request ids written as plain utf8', () => {
    const frame = mixedBatch();
    expect(frameToRows(frameFromArrow(frameToArrow(frame, { plainStrings: ['request_id'] })))).toEqual(frameToRows(frame));
  });

  it('buffers rows column by column: meta, inputs in schema order, label and probabilities', () => {
    const b = new LogBatch(classifier(3), '2026-12-06', 1000, SCHEMA);
    b.append('a', 1000, inputs(1, 0), scores(1, 0));
    b.append('b', 2000, inputs(3, 6), scores(3, 6));
    const frame = b.toFrame();
    expect(frame.rows).toBe(4);
    expect(frame.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'request_id:string',
      'row_index:number',
      'scored_at:timestamp',
      'model:string',
      'model_version:number',
      'distance:number',
      'origin:string',
      'prediction:string',
      'proba_on_time:number',
      'proba_late:number',
    ]);
    expect(frameToRows(frame)).toEqual([
      {
        request_id: 'a',
        row_index: 0,
        scored_at: iso(1000),
        model: 'flights',
        model_version: 3,
        distance: 0,
        origin: 'O0',
        prediction: 'on_time',
        proba_on_time: 1,
        proba_late: 0,
      },
      {
        request_id: 'b',
        row_index: 0,
        scored_at: iso(2000),
        model: 'flights',
        model_version: 3,
        distance: 6,
        origin: 'O6',
        prediction: 'late',
        proba_on_time: 1 - 0.6,
        proba_late: 0.6,
      },
      {
        request_id: 'b',
        row_index: 1,
        scored_at: iso(2000),
        model: 'flights',
        model_version: 3,
        distance: 7,
        origin: null,
        prediction: 'late',
        proba_on_time: 1 - 0.7,
        proba_late: 0.7,
      },
      {
        request_id: 'b',
        row_index: 2,
        scored_at: iso(2000),
        model: 'flights',
        model_version: 3,
        distance: 8,
        origin: 'O8',
        prediction: 'late',
        proba_on_time: 1 - 0.8,
        proba_late: 0.8,
      },
    ]);
  });

  it('writes a regression value as the prediction, and finds input columns by name when a frame has another order', () => {
    const b = new LogBatch(regressor, '2026-12-06', 0, SCHEMA);
    const f = inputs(2, 10);
    b.append('r', 5, { rows: 2, columns: [...f.columns].reverse() }, { rows: 2, values: Float64Array.from([4210.5, 3800]) });
    const rows = frameToRows(b.toFrame());
    expect(rows.map((r) => [r.distance, r.origin, r.prediction])).toEqual([
      [10, 'O10', 4210.5],
      [11, null, 3800],
    ]);
    expect(Object.keys(rows[0] ?? {})).not.toContain('proba_on_time');
  });

  it('leaves out an input column whose name a log column takes', () => {
    const b = new LogBatch(classifier(1), '2026-12-06', 0, [{ name: 'prediction', type: 'number' }, ...SCHEMA]);
    const f = inputs(1, 0);
    b.append(
      'x',
      0,
      { rows: 1, columns: [{ name: 'prediction', type: 'number', values: Float64Array.from([99]) }, ...f.columns] },
      scores(1, 0),
    );
    const frame = b.toFrame();
    expect(frame.columns.filter((c) => c.name === 'prediction')).toHaveLength(1);
    expect(frameToRows(frame)[0]?.prediction).toBe('on_time');
  });

  it('drops its oldest rows from every column', () => {
    const b = new LogBatch(classifier(1), '2026-12-06', 0, SCHEMA);
    b.append('a', 1, inputs(2, 0), scores(2, 0));
    b.append('b', 2, inputs(2, 2), scores(2, 2));
    expect(b.dropFirst(3)).toBe(3);
    expect(b.rows).toBe(1);
    expect(frameToRows(b.toFrame())).toEqual([
      {
        request_id: 'b',
        row_index: 1,
        scored_at: iso(2),
        model: 'flights',
        model_version: 1,
        distance: 3,
        origin: null,
        prediction: 'on_time',
        proba_on_time: 1 - 0.3,
        proba_late: 0.3,
      },
    ]);
    expect(b.dropFirst(5)).toBe(1);
    expect(b.toFrame().rows).toBe(0);
  });
});
