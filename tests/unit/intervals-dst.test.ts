/**
 * Data intervals at DST changes match Airflow 2's CronDataIntervalTimetable (issue 14.15):
 * reference chains from croniter + pendulum with Airflow's own rules (fixtures/airflow-dst.py),
 * across zones (incl. Lord Howe's 30-minute shift and the southern hemisphere) and crons whose wall
 * time falls in the gap or the fold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignDown, fireAfter, fireBefore, intervalEndingAt, intervalStartingAt, logicalDatesBetween } from '../../core/intervals';

interface Case {
  zone: string;
  cron: string;
  from: string;
  chain: string[];
  probes: { at: string; alignDown: string; prev: string; next: string }[];
}
const { cases } = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'airflow-dst.json'), 'utf8')) as { cases: Case[] };
const iso = (d: Date): string => d.toISOString();

describe('cron data intervals at DST changes (Airflow 2 reference)', () => {
  it.each(cases.map((c) => [`${c.zone} '${c.cron}' from ${c.from}`, c] as const))('%s', (_, c) => {
    const s = { cron: c.cron, timezone: c.zone };
    const first = alignDown(s, new Date(c.from));
    const chain = [first];
    for (let k = 1; k < c.chain.length; k++) chain.push(fireAfter(s, chain[k - 1] as Date));
    expect(chain.map(iso)).toEqual(c.chain);
    for (const p of c.probes) {
      const at = new Date(p.at);
      expect({ alignDown: iso(alignDown(s, at)), prev: iso(fireBefore(s, at)), next: iso(fireAfter(s, at)) }).toEqual({
        alignDown: p.alignDown,
        prev: p.prev,
        next: p.next,
      });
    }
    // Backfill/catchup chains are the same contiguous intervals, each processed once.
    const dates = logicalDatesBetween(s, new Date(c.chain[0] as string), new Date(c.chain[c.chain.length - 2] as string));
    expect(dates.map(iso)).toEqual(c.chain.slice(0, -1));
    // A scheduled run (which knows only its fire time) gets the chain's interval — except for an
    // hourly cron across Lord Howe's 30-minute shift, where Airflow's own _align_to_prev does not
    // recognise the chain's half-hour fire time either (same answer as Airflow there, by the probes).
    if (c.zone === 'Australia/Lord_Howe' && c.cron.startsWith('15 *')) return;
    for (const d of dates) {
      const i = intervalStartingAt(s, d);
      expect(intervalEndingAt(s, i.end)).toEqual(i);
    }
  });

  it('spring forward, 30 2 * * * in New York: fires at the shifted 03:30, no 47-hour interval', () => {
    const s = { cron: '30 2 * * *', timezone: 'America/New_York' };
    const i = intervalStartingAt(s, new Date('2024-03-09T07:30:00Z'));
    expect(iso(i.end)).toBe('2024-03-10T07:30:00.000Z'); // 03:30 EDT
    const next = intervalStartingAt(s, i.end);
    expect(iso(next.end)).toBe('2024-03-11T06:30:00.000Z');
    expect((next.end.getTime() - next.start.getTime()) / 3_600_000).toBe(23);
  });

  it('fall back, 30 1 * * * in New York: the later 01:30 (fold=1), no 1-hour interval', () => {
    const s = { cron: '30 1 * * *', timezone: 'America/New_York' };
    const i = intervalStartingAt(s, new Date('2024-11-02T05:30:00Z'));
    expect(iso(i.end)).toBe('2024-11-03T06:30:00.000Z'); // 01:30 EST
    expect((i.end.getTime() - i.start.getTime()) / 3_600_000).toBe(25);
  });
});
