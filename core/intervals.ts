/**
 * Airflow 2 cron data intervals (CronDataIntervalTimetable), DST-correct via cron-parser in
 * the DAG's timezone. A run covers [start, end); its logical date is the start; a scheduled
 * run fires when its interval ends. Deterministic: used by workflow code.
 */
// The subpath skips cron-parser's file parser, which loads 'fs' (not allowed in workflow code).
import { CronExpressionParser } from 'cron-parser/dist/CronExpressionParser';
import type { ScheduleSpec } from './model';

export interface DataInterval {
  start: Date;
  end: Date;
}

function parse(schedule: ScheduleSpec, at: Date) {
  return CronExpressionParser.parse(schedule.cron.trim(), { tz: schedule.timezone ?? 'UTC', currentDate: at });
}

/** The last fire time strictly before `at`. */
export function fireBefore(schedule: ScheduleSpec, at: Date): Date {
  return parse(schedule, at).prev().toDate();
}

/** The first fire time strictly after `at`. */
export function fireAfter(schedule: ScheduleSpec, at: Date): Date {
  return parse(schedule, at).next().toDate();
}

/** The last fire time at or before `at`. */
export function alignDown(schedule: ScheduleSpec, at: Date): Date {
  const next = fireAfter(schedule, new Date(at.getTime() - 1));
  return next.getTime() === at.getTime() ? at : fireBefore(schedule, at);
}

/** A scheduled run fired (nominally) at `fire` covers the interval that ends there. */
export function intervalEndingAt(schedule: ScheduleSpec, fire: Date): DataInterval {
  const end = alignDown(schedule, fire);
  return { start: fireBefore(schedule, end), end };
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
