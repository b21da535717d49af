/**
 * The date_parts feature step: calendar parts of known instants in UTC, against Date on 20,000
 * random instants, in IANA time zones across DST changes and odd offsets (checked against Intl's
 * own wall clock), and keeping the timestamp column when asked.
 */
import { describe, expect, it } from 'vitest';
import { fitTransformFeatures } from '../../ml/features';
import { calendarParts } from '../../ml/features/steps/date-parts';
import type { Frame } from '../../ml/frame/frame';
import { rowsOf } from './matrix-rows';

describe('date_parts', () => {
  const at = (iso: string): number => Date.parse(iso);
  const known: [string, Record<string, number>][] = [
    ['2024-03-10T06:30:00Z', { year: 2024, month: 3, day: 10, hour: 6, minute: 30, weekday: 6, dayofyear: 70 }],
    ['2000-02-29T23:59:00Z', { year: 2000, month: 2, day: 29, hour: 23, minute: 59, weekday: 1, dayofyear: 60 }],
    ['1969-12-31T23:00:00Z', { year: 1969, month: 12, day: 31, hour: 23, minute: 0, weekday: 2, dayofyear: 365 }],
    ['2023-01-01T00:00:00Z', { year: 2023, month: 1, day: 1, hour: 0, minute: 0, weekday: 6, dayofyear: 1 }],
    ['2024-12-31T12:00:00Z', { year: 2024, month: 12, day: 31, hour: 12, minute: 0, weekday: 1, dayofyear: 366 }],
    ['2026-07-06T09:15:00Z', { year: 2026, month: 7, day: 6, hour: 9, minute: 15, weekday: 0, dayofyear: 187 }],
  ];

  it('gives year, month, day, hour, minute, weekday (Monday = 0) and day of year in UTC', () => {
    const frame: Frame = {
      rows: known.length,
      columns: [{ name: 'ts', type: 'timestamp', values: Float64Array.from(known, ([iso]) => at(iso)) }],
    };
    const parts = ['year', 'month', 'day', 'hour', 'minute', 'weekday', 'dayofyear'] as const;
    const { matrix, featureNames } = fitTransformFeatures(frame, {
      features: ['ts'],
      steps: [{ op: 'date_parts', columns: ['ts'], parts: [...parts] }],
    });
    expect(featureNames).toEqual(parts.map((p) => `ts_${p}`));
    rowsOf(matrix).forEach((row, i) => expect(row).toEqual(parts.map((p) => known[i]?.[1][p])));
  });

  it('agrees with Date on 20,000 random instants from 1900 to 2100', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const mismatches: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const ms = Math.floor(-2.2e12 + rand() * 6.3e12);
      const d = new Date(ms);
      const p = calendarParts(ms);
      const doy =
        Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
      const got = [p.year, p.month, p.day, p.hour, p.minute, p.weekday, p.dayofyear].join();
      const want = [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        (d.getUTCDay() + 6) % 7,
        doy,
      ].join();
      if (got !== want) mismatches.push(`${d.toISOString()}: ${got} ≠ ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('reads the parts in an IANA time zone, across a DST change and at a +05:45 offset', () => {
    const times = ['2024-03-10T06:30:00Z', '2024-03-10T07:30:00Z', '2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z'];
    const frame: Frame = { rows: 4, columns: [{ name: 'ts', type: 'timestamp', values: Float64Array.from(times, at) }] };
    const ny = fitTransformFeatures(frame, {
      features: ['ts'],
      steps: [{ op: 'date_parts', columns: ['ts'], parts: ['day', 'hour', 'minute', 'weekday'], timezone: 'America/New_York' }],
    });
    // 01:30 EST, then 03:30 EDT (clocks jump at 02:00); in November 01:30 EDT then 01:30 EST.
    expect(rowsOf(ny.matrix)).toEqual([
      [10, 1, 30, 6],
      [10, 3, 30, 6],
      [3, 1, 30, 6],
      [3, 1, 30, 6],
    ]);
    const ktm = fitTransformFeatures(
      { rows: 1, columns: [{ name: 'ts', type: 'timestamp', values: Float64Array.of(at('2023-12-31T18:15:00Z')) }] },
      {
        features: ['ts'],
        steps: [{ op: 'date_parts', columns: ['ts'], parts: ['year', 'dayofyear', 'hour', 'minute'], timezone: 'Asia/Kathmandu' }],
      },
    );
    expect(rowsOf(ktm.matrix)).toEqual([[2024, 1, 0, 0]]);
  });

  it('agrees with Intl on 3,000 random instants in three zones', () => {
    let seed = 11;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const values = Float64Array.from({ length: 3000 }, () => Math.floor(rand() * 2.2e12));
    const frame: Frame = { rows: values.length, columns: [{ name: 'ts', type: 'timestamp', values }] };
    for (const timezone of ['Europe/Paris', 'Australia/Lord_Howe', 'America/Sao_Paulo']) {
      const { matrix } = fitTransformFeatures(frame, {
        features: ['ts'],
        steps: [{ op: 'date_parts', columns: ['ts'], parts: ['year', 'month', 'day', 'hour', 'minute'], timezone }],
      });
      const mismatches: string[] = [];
      rowsOf(matrix).forEach((row, i) => {
        // The zone's wall clock read straight from Intl at the instant ('sv-SE' prints 'YYYY-MM-DD HH:mm:ss'),
        // not as the step computes it (an offset per 15-minute slot, then civil-from-days arithmetic).
        const wall = new Date(values[i] as number).toLocaleString('sv-SE', { timeZone: timezone });
        const want = wall.split(/[- :]/).slice(0, 5).map(Number).join();
        if (row.join() !== want) mismatches.push(`${timezone} ${new Date(values[i] as number).toISOString()}: ${row.join()} ≠ ${want}`);
      });
      expect(mismatches).toEqual([]);
    }
  });

  it('keeps the timestamp column when asked (then something must turn it into a number)', () => {
    const frame: Frame = { rows: 2, columns: [{ name: 'ts', type: 'timestamp', values: Float64Array.of(0, 86_400_000) }] };
    const r = fitTransformFeatures(frame, {
      features: ['ts'],
      steps: [
        { op: 'date_parts', columns: ['ts'], parts: ['weekday'], keep: true },
        { op: 'minmax', columns: ['ts'] },
      ],
    });
    expect(r.featureNames).toEqual(['ts', 'ts_weekday']);
    expect(rowsOf(r.matrix)).toEqual([
      [0, 3],
      [1, 4],
    ]);
  });
});
