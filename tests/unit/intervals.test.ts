import { describe, expect, it } from 'vitest';
import { intervalEndingAt, intervalStartingAt, latestCompletedInterval, logicalDatesBetween } from '../../core/intervals';

const iso = (d: { start: Date; end: Date }) => [d.start.toISOString(), d.end.toISOString()];

describe('cron data intervals (Airflow 2 semantics)', () => {
  const daily = { cron: '0 3 * * *' };
  it('a daily run fired at 2024-01-02T03:00 covers the previous day, logical date = interval start', () => {
    expect(iso(intervalEndingAt(daily, new Date('2024-01-02T03:00:00Z')))).toEqual([
      '2024-01-01T03:00:00.000Z',
      '2024-01-02T03:00:00.000Z',
    ]);
  });
  it('a logical date maps to the interval starting there', () => {
    expect(iso(intervalStartingAt(daily, new Date('2024-01-01T03:00:00Z')))).toEqual([
      '2024-01-01T03:00:00.000Z',
      '2024-01-02T03:00:00.000Z',
    ]);
    // Unaligned dates align down to the previous fire.
    expect(iso(intervalStartingAt(daily, new Date('2024-01-01T12:00:00Z')))).toEqual([
      '2024-01-01T03:00:00.000Z',
      '2024-01-02T03:00:00.000Z',
    ]);
  });
  it('manual runs default to the latest completed interval', () => {
    expect(iso(latestCompletedInterval(daily, new Date('2024-01-05T10:00:00Z')))).toEqual([
      '2024-01-04T03:00:00.000Z',
      '2024-01-05T03:00:00.000Z',
    ]);
  });
  it('hourly and weekly crons', () => {
    expect(iso(intervalEndingAt({ cron: '0 * * * *' }, new Date('2024-01-01T05:00:00Z')))).toEqual([
      '2024-01-01T04:00:00.000Z',
      '2024-01-01T05:00:00.000Z',
    ]);
    // Weekly on Monday 00:00: 2024-01-08 is a Monday.
    expect(iso(intervalEndingAt({ cron: '0 0 * * 1' }, new Date('2024-01-08T00:00:00Z')))).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-08T00:00:00.000Z',
    ]);
  });
  it('follows the DAG timezone across a DST change (Europe/Paris, 2024-03-31)', () => {
    const paris = { cron: '0 3 * * *', timezone: 'Europe/Paris' };
    // 03:00 CET = 02:00Z before the change, 03:00 CEST = 01:00Z after: the interval is 23 hours long.
    const i = intervalEndingAt(paris, new Date('2024-03-31T01:00:00Z'));
    expect(iso(i)).toEqual(['2024-03-30T02:00:00.000Z', '2024-03-31T01:00:00.000Z']);
    expect((i.end.getTime() - i.start.getTime()) / 3_600_000).toBe(23);
  });
  it('lists logical dates within a range, bounds inclusive', () => {
    const dates = logicalDatesBetween({ cron: '@daily' }, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-05T00:00:00Z'));
    expect(dates.map((d) => d.toISOString().slice(0, 10))).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
  });
});
