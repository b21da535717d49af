import { describe, expect, it } from 'vitest';
import {
  dayOverlaps,
  lookbackWindow,
  parseDuration,
  parseRelativeInstant,
  partitionDayMs,
  resolveInstant,
} from '../../ml/frame/relative-time';

const DAY = 86_400_000;
const ms = (iso: string) => Date.parse(iso);

describe('relative times of a run', () => {
  it('durations: minutes, hours, days, weeks (singular or plural); anything else is refused saying what is accepted', () => {
    expect(parseDuration('90 days')).toBe(90 * DAY);
    expect(parseDuration('1 day')).toBe(DAY);
    expect(parseDuration('36 hours')).toBe(1.5 * DAY);
    expect(parseDuration('2 weeks')).toBe(14 * DAY);
    expect(parseDuration('30 minutes')).toBe(1_800_000);
    for (const bad of ['3 months', '1 year', 'days', '-1 day', '1d', ''])
      expect(() => parseDuration(bad)).toThrow(/is not a duration like '90 days'/);
    expect(() => parseDuration('0 days')).toThrow(/longer than zero/);
  });

  it('instants: ISO dates (midnight UTC) and date-times, or an anchor of the data interval with an offset', () => {
    const interval = { startMs: ms('2024-03-01T00:00:00Z'), endMs: ms('2024-03-02T00:00:00Z') };
    const at = (text: string) => new Date(resolveInstant(parseRelativeInstant(text), interval)).toISOString();
    expect(at('2001-04-01')).toBe('2001-04-01T00:00:00.000Z');
    expect(at('2001-04-01T06:30:00+02:00')).toBe('2001-04-01T04:30:00.000Z');
    expect(at('dataIntervalEnd')).toBe('2024-03-02T00:00:00.000Z');
    expect(at('dataIntervalEnd - 30 days')).toBe('2024-02-01T00:00:00.000Z'); // 2024 is a leap year
    expect(at('dataIntervalStart + 12 hours')).toBe('2024-03-01T12:00:00.000Z');
    expect(() => parseRelativeInstant('yesterday')).toThrow(/'yesterday' is not an ISO date or date-time/);
    expect(() => parseRelativeInstant('dataIntervalEnd - soon')).toThrow(/'soon' is not a duration/);
  });

  it('a lookback window ends at the data interval end; a daily partition is kept when its day overlaps it', () => {
    const w = lookbackWindow('36 hours', { startMs: ms('2024-03-02T00:00:00Z'), endMs: ms('2024-03-03T00:00:00Z') });
    expect(w).toEqual({ startMs: ms('2024-03-01T12:00:00Z'), endMs: ms('2024-03-03T00:00:00Z') });
    expect(dayOverlaps(ms('2024-02-29T00:00:00Z'), w)).toBe(false);
    expect(dayOverlaps(ms('2024-03-01T00:00:00Z'), w)).toBe(true);
    expect(dayOverlaps(ms('2024-03-02T00:00:00Z'), w)).toBe(true);
    expect(dayOverlaps(ms('2024-03-03T00:00:00Z'), w)).toBe(false);
    expect(partitionDayMs('2024-02-29')).toBe(ms('2024-02-29T00:00:00Z'));
    expect(partitionDayMs('20240229')).toBe(ms('2024-02-29T00:00:00Z'));
    expect(partitionDayMs('2023-02-29')).toBeNaN();
    expect(partitionDayMs('2024-1-5')).toBeNaN();
  });
});
