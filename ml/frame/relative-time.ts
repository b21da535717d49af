/**
 * Times written relative to a run's data interval, for params users type:
 *   durations   '90 days', '36 hours', '2 weeks', '30 minutes', '1 day' (fixed lengths: a day is
 *               24 h, as the data interval is in UTC; no months, whose length varies)
 *   instants    an ISO date or date-time ('2001-04-01' is midnight UTC), or an anchor of the run's
 *               data interval with an optional offset: 'dataIntervalEnd', 'dataIntervalEnd - 30 days',
 *               'dataIntervalStart + 12 hours'
 *   windows     a lookback: [dataIntervalEnd − lookback, dataIntervalEnd), the run's own window,
 *               so each backfilled run (its own interval) gets its own window.
 * Pure and deterministic: parsed in the params schemas at trigger time, resolved in the activities.
 */
import { parseIsoTimestamp } from './frame';
import { InputError } from '../../core/errors';

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(minute|hour|day|week)s?\s*$/i;
const ANCHORED = /^\s*(dataIntervalStart|dataIntervalEnd)\s*(?:([+-])\s*(.+?))?\s*$/;

export const DURATION_HELP = "a duration like '90 days', '36 hours', '2 weeks' or '30 minutes'";
export const INSTANT_HELP =
  "an ISO date or date-time ('2001-04-01', '2001-04-01T06:00:00Z') or 'dataIntervalEnd' / 'dataIntervalStart' with an optional offset ('dataIntervalEnd - 30 days')";

/** Milliseconds of a duration; a RangeError saying what is accepted otherwise. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m?.[1] || !m[2]) throw new InputError(`'${text}' is not ${DURATION_HELP}`);
  const ms = Number(m[1]) * (UNIT_MS[m[2].toLowerCase()] as number);
  if (!(ms > 0)) throw new InputError(`'${text}' must be longer than zero`);
  return ms;
}

export type RelativeInstant =
  { kind: 'absolute'; ms: number } | { kind: 'anchored'; anchor: 'dataIntervalStart' | 'dataIntervalEnd'; offsetMs: number };

/** Parse an instant param (see the module comment); a RangeError saying what is accepted otherwise. */
export function parseRelativeInstant(text: string): RelativeInstant {
  const a = ANCHORED.exec(text);
  if (a) {
    const anchor = a[1] as 'dataIntervalStart' | 'dataIntervalEnd';
    if (a[2] === undefined) return { kind: 'anchored', anchor, offsetMs: 0 };
    const ms = parseDuration(a[3] ?? '');
    return { kind: 'anchored', anchor, offsetMs: a[2] === '-' ? -ms : ms };
  }
  const ms = parseIsoTimestamp(text);
  if (Number.isNaN(ms)) throw new InputError(`'${text}' is not ${INSTANT_HELP}`);
  return { kind: 'absolute', ms };
}

export interface IntervalMs {
  startMs: number;
  endMs: number;
}

export function resolveInstant(instant: RelativeInstant, interval: IntervalMs): number {
  if (instant.kind === 'absolute') return instant.ms;
  return (instant.anchor === 'dataIntervalStart' ? interval.startMs : interval.endMs) + instant.offsetMs;
}

/** [end − lookback, end) of the run's data interval. */
export function lookbackWindow(lookback: string, interval: IntervalMs): IntervalMs {
  return { startMs: interval.endMs - parseDuration(lookback), endMs: interval.endMs };
}

const DAY_MS = 86_400_000;

/** Does the UTC day starting at `dayMs` (a daily partition) overlap [start, end)? */
export const dayOverlaps = (dayMs: number, w: IntervalMs): boolean => dayMs < w.endMs && dayMs + DAY_MS > w.startMs;

/** Epoch ms of a partition value 'YYYY-MM-DD' or 'YYYYMMDD' (UTC midnight); NaN if it is not a real date. */
export function partitionDayMs(value: string): number {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // 2024-02-30 rolls over to March: not a date.
  return new Date(ms).toISOString().slice(0, 10) === `${m[1]}-${m[2]}-${m[3]}` ? ms : NaN;
}
