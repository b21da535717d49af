import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { fromArquero, toArquero } from '../../ml/frame/arquero';
import { frameFromRows, frameToRows } from '../../ml/frame/frame';

describe('Frame ↔ arquero', () => {
  const frame = frameFromRows([
    { region: 'north', revenue: 10, ok: true, at: '2024-01-02T00:00:00Z' },
    { region: 'south', revenue: null, ok: false, at: null },
    { region: 'north', revenue: 5, ok: null, at: '2024-01-03T00:00:00Z' },
  ]);

  it('gives an arquero table that arquero verbs work on, missing as null, timestamps as Dates', () => {
    const t = toArquero(frame);
    expect(t.numRows()).toBe(3);
    expect(t.get('at', 0)).toEqual(new Date('2024-01-02T00:00:00Z'));
    expect(t.get('revenue', 1)).toBeNull();
    const sums = t
      .groupby('region')
      .rollup({ total: aq.op.sum('revenue') })
      .orderby('region')
      .objects();
    expect(sums).toEqual([
      { region: 'north', total: 15 },
      { region: 'south', total: undefined },
    ]);
  });

  it('round-trips with the same column types and values', () => {
    const back = fromArquero(toArquero(frame));
    expect(back.columns.map((c) => c.type)).toEqual(['string', 'number', 'boolean', 'timestamp']);
    expect(frameToRows(back)).toEqual(frameToRows(frame));
  });
});
