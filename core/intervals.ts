/**
 * Airflow 2 cron data intervals (CronDataIntervalTimetable), with its DST rules (airflow/timetables/
 * _cron.py): the cron is iterated on naive wall times in the DAG's timezone (croniter), and a wall
 * time becomes an instant with fold=1 (tz-aware: the later instant in a fall-back fold, the shifted
 * instant in a spring-forward gap). For crons that fire every hour the step is taken in absolute
 * time instead, so a fold is not run twice. A run covers [start, end); its logical date is the start;
 * a scheduled run fires when its interval ends; a chain of intervals is contiguous. Deterministic:
 * used by workflow code. Reference values: tests/unit/fixtures/airflow-dst.py (croniter + pendulum).
 */
// The subpaths skip cron-parser's file parser, which loads 'fs' (not allowed in workflow code).
import { CronExpression } from 'cron-parser/dist/CronExpression';
import { CronExpressionParser } from 'cron-parser/dist/CronExpressionParser';
import type { ScheduleSpec } from './model';
import { fromWall, toWall } from './wall-time';

export interface DataInterval {
  start: Date;
  end: Date;
}

interface ParsedCron {
  expression: string;
  fields: CronExpression['fields'];
  /** croniter's `expanded[1] == ['*']`: every hour of the day is in the hour field. */
  coversEveryHour: boolean;
}

/**
 * Parsed crons by expression. A backfill or catch-up steps through thousands of intervals of
 * the same cron, and each step used to parse it twice; the fields are a pure function of the
 * text, so one parse serves every step (and every workflow in this isolate). Bounded: a
 * scheduler sees a handful of crons, so a full cache is simply emptied.
 */
const parsedCrons = new Map<string, ParsedCron>();
const PARSED_CRONS_MAX = 256;

function parseCron(cron: string): ParsedCron {
  const expression = cron.trim();
  let parsed = parsedCrons.get(expression);
  if (parsed === undefined) {
    const { fields } = CronExpressionParser.parse(expression, { tz: 'UTC' });
    parsed = { expression, fields, coversEveryHour: fields.hour.values.length === 24 };
    if (parsedCrons.size >= PARSED_CRONS_MAX) parsedCrons.clear();
    parsedCrons.set(expression, parsed);
  }
  return parsed;
}

function step(schedule: ScheduleSpec, at: Date, direction: 'next' | 'prev'): Date {
  const tz = schedule.timezone ?? 'UTC';
  const wall = toWall(at, tz);
  const cron = parseCron(schedule.cron);
  // The cron over naive wall times (read as UTC), from `wall`.
  const iterator = new CronExpression(cron.fields, { tz: 'UTC', currentDate: wall, expression: cron.expression });
  const scheduled = (direction === 'next' ? iterator.next() : iterator.prev()).toDate();
  if (!cron.coversEveryHour) return fromWall(scheduled, tz);
  // Hourly crons: move by the naive distance in absolute time (Airflow's fold workaround).
  return new Date(at.getTime() + (scheduled.getTime() - wall.getTime()));
}

/** The first fire time strictly after `at` (Airflow's `_get_next`). */
export const fireAfter = (schedule: ScheduleSpec, at: Date): Date => step(schedule, at, 'next');

/** The last fire time strictly before `at` (Airflow's `_get_prev`). */
export const fireBefore = (schedule: ScheduleSpec, at: Date): Date => step(schedule, at, 'prev');

/** The last fire time at or before `at` (Airflow's `_align_to_prev`). */
export function alignDown(schedule: ScheduleSpec, at: Date): Date {
  const prev = fireBefore(schedule, at);
  return fireAfter(schedule, prev).getTime() !== at.getTime() ? prev : at;
}

/**
 * The fire time whose interval ends at `end`: the earliest fire time s < end with fireAfter(s) = end,
 * as Airflow's chain (each start is the previous end) has it. Usually `fireBefore(end)`, but not
 * always: when `end` was shifted out of a spring-forward gap, `_get_prev(end)` lands on `end`
 * itself (so look from an hour earlier: no DST shift is longer); and an hourly cron across a
 * 30-minute shift (Lord Howe) has two fire times whose next is `end`, of which the chain holds the earlier.
 */
function intervalStartBefore(schedule: ScheduleSpec, end: Date): Date {
  let at = end;
  let start: Date | undefined;
  for (let tries = 0; tries < 6; tries++) {
    const c = fireBefore(schedule, at);
    if (c.getTime() >= end.getTime()) at = new Date(at.getTime() - 3_600_000);
    else if (fireAfter(schedule, c).getTime() !== end.getTime()) break;
    else {
      start = c;
      at = c;
    }
  }
  return start ?? fireBefore(schedule, at);
}

/** A scheduled run fired (nominally) at `fire` covers the interval that ends there. */
export function intervalEndingAt(schedule: ScheduleSpec, fire: Date): DataInterval {
  const end = alignDown(schedule, fire);
  return { start: intervalStartBefore(schedule, end), end };
}

/** The interval whose logical date (start) is `logicalDate`, aligned down to the cron. */
export function intervalStartingAt(schedule: ScheduleSpec, logicalDate: Date): DataInterval {
  const start = alignDown(schedule, logicalDate);
  return { start, end: fireAfter(schedule, start) };
}

/** A manual run without a logical date processes the latest completed interval. */
export function latestCompletedInterval(schedule: ScheduleSpec, now: Date): DataInterval {
  return intervalEndingAt(schedule, now);
}

/** Every logical date (interval start) whose interval lies within [from, to] — used by backfills and catchup. */
export function logicalDatesBetween(schedule: ScheduleSpec, from: Date, to: Date, limit = 100_000): Date[] {
  const dates: Date[] = [];
  let start = alignDown(schedule, from);
  if (start.getTime() < from.getTime()) start = fireAfter(schedule, start);
  while (start.getTime() <= to.getTime() && dates.length < limit) {
    dates.push(start);
    start = fireAfter(schedule, start);
  }
  return dates;
}
