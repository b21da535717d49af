/**
 * Backfill planning, pure and deterministic (used by the backfill workflow, the client and the
 * CLI): which logical dates a range covers, in which order, page by page, and what to do with
 * each date given the runs it already has (Airflow 3 reprocess behaviour).
 */
import { parseInstant } from './dates';
import { alignDown, fireAfter, fireBefore } from './intervals';
import type { ScheduleSpec } from './model';

export const REPROCESS_MODES = ['none', 'failed', 'completed'] as const;
export type Reprocess = (typeof REPROCESS_MODES)[number];

/** What a logical date already has: no run, a running one, or the latest finished one's outcome. */
export type ExistingRun = 'none' | 'running' | 'succeeded' | 'failed';

export type Decision = { action: 'run' } | { action: 'skip'; reason: string };

/** A backfill never plans more dates than this (three years of hourly runs is ~26k). */
export const MAX_BACKFILL_DATES = 200_000;

/** The child workflow id of one backfilled date: one logical date, one id, so it never runs twice at once. */
export function backfillRunId(dagId: string, logicalDate: Date | string): string {
  const iso = typeof logicalDate === 'string' ? logicalDate : logicalDate.toISOString();
  return `${dagId}__backfill__${iso}`;
}

/** The backfill workflow's own id: one backfill per DAG and range at a time. */
export function backfillWorkflowId(dagId: string, from: Date, to: Date): string {
  return `tideflow-backfill__${dagId}__${from.toISOString()}__${to.toISOString()}`;
}

/** The catchup backfill a schedule's creation starts: one per DAG and start date. */
export function catchupWorkflowId(dagId: string, startDate: Date): string {
  return `tideflow-catchup__${dagId}__${startDate.toISOString()}`;
}

/**
 * Airflow's reprocess behaviour. A date whose run is still running is never started again.
 * none: only dates without any run; failed: also re-run failed ones; completed: re-run every
 * finished one.
 */
export function decide(reprocess: Reprocess, existing: ExistingRun): Decision {
  switch (existing) {
    case 'none':
      return { action: 'run' };
    case 'running':
      return { action: 'skip', reason: 'a run of this date is still running' };
    case 'succeeded':
      return reprocess === 'completed' ? { action: 'run' } : { action: 'skip', reason: 'already succeeded' };
    case 'failed':
      return reprocess === 'none' ? { action: 'skip', reason: 'already has a failed run (use --reprocess failed)' } : { action: 'run' };
  }
}

export interface BackfillRange {
  from: Date;
  to: Date;
}

/** Parse and check a range; a message for people when it is not one. */
export function parseRange(from: string, to: string): BackfillRange | string {
  const f = parseInstant(from);
  const t = parseInstant(to);
  if (!f) return `'from' is not an ISO-8601 date: '${from}'`;
  if (!t) return `'to' is not an ISO-8601 date: '${to}'`;
  if (f.getTime() > t.getTime()) return `'from' (${f.toISOString()}) is after 'to' (${t.toISOString()})`;
  return { from: f, to: t };
}

/** The first logical date of the range in the walking direction, if any. */
function firstDate(schedule: ScheduleSpec, r: BackfillRange, backwards: boolean): Date | undefined {
  if (backwards) {
    const last = alignDown(schedule, r.to);
    return last.getTime() >= r.from.getTime() ? last : undefined;
  }
  let first = alignDown(schedule, r.from);
  if (first.getTime() < r.from.getTime()) first = fireAfter(schedule, first);
  return first.getTime() <= r.to.getTime() ? first : undefined;
}

const inRange = (d: Date, r: BackfillRange): boolean => d.getTime() >= r.from.getTime() && d.getTime() <= r.to.getTime();

export interface Page {
  dates: Date[];
  /** Where the next page starts; undefined when this page reaches the end of the range. */
  next: Date | undefined;
}

/**
 * Up to `limit` logical dates in [from, to] (inclusive, as Airflow's backfill), oldest first or,
 * `backwards`, newest first, starting at `cursor` (a previous page's `next`) or at the range's end.
 */
export function pageOfDates(schedule: ScheduleSpec, r: BackfillRange, backwards: boolean, limit: number, cursor?: Date): Page {
  const dates: Date[] = [];
  let d = cursor ?? firstDate(schedule, r, backwards);
  while (d !== undefined && inRange(d, r) && dates.length < limit) {
    dates.push(d);
    d = backwards ? fireBefore(schedule, d) : fireAfter(schedule, d);
  }
  return { dates, next: d !== undefined && inRange(d, r) ? d : undefined };
}

/** How many logical dates the range has (stops counting past `max`). */
export function countDates(schedule: ScheduleSpec, r: BackfillRange, max = MAX_BACKFILL_DATES): number {
  let n = 0;
  let d = firstDate(schedule, r, false);
  while (d !== undefined && d.getTime() <= r.to.getTime() && n <= max) {
    n++;
    d = fireAfter(schedule, d);
  }
  return n;
}

/** Every logical date of the range in order (small ranges: dry runs, tests, the CLI's checks). */
export function allDates(schedule: ScheduleSpec, r: BackfillRange, backwards = false, max = MAX_BACKFILL_DATES): Date[] {
  return pageOfDates(schedule, r, backwards, max).dates;
}

export type DateState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'planned';

export interface DateOutcome {
  logicalDate: string;
  workflowId: string;
  state: DateState;
  /** Why it was skipped, or the failure. */
  detail?: string;
}

export interface BackfillCounts {
  succeeded: number;
  failed: number;
  cancelled: number;
  skipped: number;
  /** Dry run: dates that would run. */
  planned: number;
}

export interface BackfillCarry {
  /** The next page's first date; absent on the first run. */
  cursor?: string;
  total: number;
  counts: BackfillCounts;
  /** Continue-as-new generation (0 for the first run). */
  generation: number;
  /** Outcomes kept from earlier pages: failures, cancellations and dry-run plans (capped). */
  kept: DateOutcome[];
  /** Outcomes of earlier pages not kept (successes, and anything past the cap). */
  omitted: number;
  peakRunning: number;
}

/** The `backfillProgress` query's answer, and the workflow's result. */
export interface BackfillProgress extends BackfillCounts {
  dagId: string;
  from: string;
  to: string;
  reprocess: Reprocess;
  maxActive: number;
  backwards: boolean;
  dryRun: boolean;
  total: number;
  running: number;
  /** Not yet started (or, after a cancel, never started). */
  pending: number;
  /** The most DAG runs this backfill had running at once. */
  peakRunning: number;
  generation: number;
  done: boolean;
  /** The backfill itself was cancelled (`cancelled`, the count, is of DAG runs). */
  aborted: boolean;
  /** Kept outcomes of earlier pages, then every date of the current page. */
  dates: DateOutcome[];
  omitted: number;
}

export const emptyCounts = (): BackfillCounts => ({ succeeded: 0, failed: 0, cancelled: 0, skipped: 0, planned: 0 });
