/** The pure backfill planner: dates, order, paging, reprocess decisions, ids. */
import { describe, expect, it } from 'vitest';
import { allDates, backfillRunId, countDates, decide, pageOfDates, parseRange, type BackfillRange } from '../../core/backfill-plan';
import type { ScheduleSpec } from '../../core/model';

const daily: ScheduleSpec = { cron: '0 3 * * *' };
const hourly: ScheduleSpec = { cron: '0 * * * *' };
const range = (from: string, to: string): BackfillRange => parseRange(from, to) as BackfillRange;
const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('backfill dates', () => {
  it('covers [from, to] inclusive, oldest first or backwards', () => {
    const r = range('2024-01-01T03:00:00Z', '2024-01-04T03:00:00Z');
    expect(iso(allDates(daily, r))).toEqual([
      '2024-01-01T03:00:00.000Z',
      '2024-01-02T03:00:00.000Z',
      '2024-01-03T03:00:00.000Z',
      '2024-01-04T03:00:00.000Z',
    ]);
    expect(iso(allDates(daily, r, true))).toEqual([
      '2024-01-04T03:00:00.000Z',
      '2024-01-03T03:00:00.000Z',
      '2024-01-02T03:00:00.000Z',
      '2024-01-01T03:00:00.000Z',
    ]);
  });

  it('aligns unaligned bounds inward and finds nothing in a range without a fire time', () => {
    expect(iso(allDates(daily, range('2024-01-01', '2024-01-03')))).toEqual(['2024-01-01T03:00:00.000Z', '2024-01-02T03:00:00.000Z']);
    expect(iso(allDates(daily, range('2024-01-01', '2024-01-03'), true))).toEqual(['2024-01-02T03:00:00.000Z', '2024-01-01T03:00:00.000Z']);
    expect(allDates(daily, range('2024-01-01T04:00:00Z', '2024-01-02T02:00:00Z'))).toEqual([]);
    expect(countDates(daily, range('2024-01-01T04:00:00Z', '2024-01-02T02:00:00Z'))).toBe(0);
  });

  it('pages through a range in both directions without gaps or repeats', () => {
    const r = range('2024-01-01T00:00:00Z', '2024-01-02T23:00:00Z');
    for (const backwards of [false, true]) {
      const seen: string[] = [];
      let cursor: Date | undefined;
      let pages = 0;
      do {
        const page = pageOfDates(hourly, r, backwards, 7, cursor);
        seen.push(...iso(page.dates));
        cursor = page.next;
        pages++;
      } while (cursor);
      expect(pages).toBe(7);
      expect(seen).toEqual(iso(allDates(hourly, r, backwards)));
      expect(new Set(seen).size).toBe(48);
    }
  });

  it('counts three years of hourly dates', () => {
    expect(countDates(hourly, range('2021-01-01T00:00:00Z', '2023-12-31T23:00:00Z'))).toBe(26_280);
  });

  it('follows the DAG timezone across DST', () => {
    const paris: ScheduleSpec = { cron: '0 3 * * *', timezone: 'Europe/Paris' };
    expect(iso(allDates(paris, range('2024-03-30', '2024-04-01')))).toEqual(['2024-03-30T02:00:00.000Z', '2024-03-31T01:00:00.000Z']);
  });

  it('rejects bad ranges with a readable message', () => {
    expect(parseRange('nope', '2024-01-01')).toMatch(/'from' is not an ISO-8601 date/);
    expect(parseRange('2024-02-01', '2024-01-01')).toMatch(/is after 'to'/);
  });
});

describe('reprocess decisions', () => {
  const table = {
    none: { none: 'run', running: 'skip', succeeded: 'skip', failed: 'skip' },
    failed: { none: 'run', running: 'skip', succeeded: 'skip', failed: 'run' },
    completed: { none: 'run', running: 'skip', succeeded: 'run', failed: 'run' },
  } as const;
  for (const [mode, row] of Object.entries(table)) {
    it(`reprocess ${mode}`, () => {
      for (const [existing, action] of Object.entries(row)) {
        expect(decide(mode as 'none', existing as 'none').action, `${mode}/${existing}`).toBe(action);
      }
    });
  }
  it('never restarts a running date', () => {
    expect(decide('completed', 'running')).toEqual({ action: 'skip', reason: 'a run of this date is still running' });
  });
});

it('backfill run ids are deterministic per DAG and logical date', () => {
  expect(backfillRunId('etl', new Date('2024-01-01T03:00:00Z'))).toBe('etl__backfill__2024-01-01T03:00:00.000Z');
  expect(backfillRunId('etl', '2024-01-01T03:00:00.000Z')).toBe(backfillRunId('etl', new Date('2024-01-01T03:00:00Z')));
});
