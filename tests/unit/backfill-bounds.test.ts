/** Issue 14 friction: `backfill --to <bare date>` includes that whole day, in the DAG's timezone (Airflow's inclusive bounds). */
import { describe, expect, it } from 'vitest';
import { backfillInput, resolveRangeBounds } from '../../client/backfill';
import { countDates, pageOfDates, parseRange } from '../../core/backfill-plan';
import type { DagDefinition, ScheduleSpec } from '../../core/model';

const dagWith = (schedule: ScheduleSpec) =>
  ({ id: 'd', schedule, params: { safeParse: () => ({ success: true }) } }) as unknown as DagDefinition;

function dates(schedule: ScheduleSpec, from: string, to: string): string[] {
  const input = backfillInput(dagWith(schedule), { from, to });
  const range = parseRange(input.from, input.to);
  if (typeof range === 'string') throw new Error(range);
  return pageOfDates(schedule, range, false, 1000).dates.map((d) => d.toISOString());
}

describe('backfill range bounds', () => {
  it('--to 2001-06-30 includes the 03:00 run of the 30th (it did not)', () => {
    const s = { cron: '0 3 * * *' };
    const got = dates(s, '2001-06-01', '2001-06-30');
    expect(got).toHaveLength(30);
    expect(got.at(-1)).toBe('2001-06-30T03:00:00.000Z');
    expect(
      countDates(
        s,
        parseRange(...(Object.values(resolveRangeBounds(dagWith(s), '2001-06-01', '2001-06-30')) as [string, string])) as never,
      ),
    ).toBe(30);
  });

  it('a bare date is the day in the DAG timezone, also on DST days', () => {
    const ny = { cron: '30 23 * * *', timezone: 'America/New_York' };
    // 23:30 New York on 2024-03-10 (the spring-forward day) is 03:30Z on the 11th.
    expect(dates(ny, '2024-03-09', '2024-03-10')).toEqual(['2024-03-10T04:30:00.000Z', '2024-03-11T03:30:00.000Z']);
    expect(resolveRangeBounds(dagWith(ny), '2024-03-10', '2024-03-10')).toEqual({
      from: '2024-03-10T05:00:00.000Z',
      to: '2024-03-11T03:59:59.999Z',
    });
    expect(resolveRangeBounds(dagWith(ny), '2024-11-03', '2024-11-03')).toEqual({
      from: '2024-11-03T04:00:00.000Z',
      to: '2024-11-04T04:59:59.999Z',
    });
  });

  it('instants are kept as given; a bad date is still refused by the range check', () => {
    const s = { cron: '0 3 * * *' };
    expect(resolveRangeBounds(dagWith(s), '2001-06-01T05:00:00Z', '2001-06-30T03:00:00Z')).toEqual({
      from: '2001-06-01T05:00:00Z',
      to: '2001-06-30T03:00:00Z',
    });
    expect(dates(s, '2001-06-01T05:00:00Z', '2001-06-30T02:59:59Z')).toHaveLength(28);
    expect(() => backfillInput(dagWith(s), { from: '2001-02-30', to: '2001-03-01' })).toThrow(
      "'from' is not a calendar date: '2001-02-30'",
    );
  });
});
