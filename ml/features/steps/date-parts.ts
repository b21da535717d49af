/**
 * date_parts: calendar parts of a timestamp column as numbers, named `<column>_<part>`:
 * year, month (1–12), day (1–31), hour, minute, weekday (Monday = 0, as pandas), dayofyear (1–366).
 * Read in UTC by default, with integer arithmetic (no Date object per row); in another IANA zone
 * the UTC offset comes from Intl, cached per 15-minute slot (every tz transition since 1970 falls
 * on a quarter hour). Nothing is learned; a missing timestamp gives missing parts.
 */
import { z } from 'zod';
import { type WorkingSet, numberColumn } from '../columns';
import { datePartName } from '../plan';
import { DATE_PARTS, type DatePart } from '../spec';

export const datePartsParamsSchema = z.object({
  op: z.literal('date_parts'),
  columns: z.array(z.string()),
  parts: z.array(z.enum(DATE_PARTS)),
  timezone: z.string(),
  keep: z.boolean(),
});
export type DatePartsParams = z.infer<typeof datePartsParamsSchema>;

const DAY = 86_400_000;
const SLOT = 900_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar parts of a UTC epoch-ms instant (a zone's local time is passed in shifted by its offset). */
export function calendarParts(ms: number): Record<DatePart, number> {
  const days = Math.floor(ms / DAY);
  const inDay = ms - days * DAY;
  // civil_from_days
  const z0 = days + 719468;
  const era = Math.floor(z0 / 146097);
  const doe = z0 - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doyMar + 2) / 153);
  const day = doyMar - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {
    year,
    month,
    day,
    hour: Math.floor(inDay / 3_600_000),
    minute: Math.floor((inDay % 3_600_000) / 60_000),
    // 1970-01-01 was a Thursday (= 3 when Monday = 0).
    weekday: (((days + 3) % 7) + 7) % 7,
    dayofyear: days - daysFromCivil(year, 1, 1) + 1,
  };
}

/** A function giving the zone's UTC offset (ms) at an instant (its cache is its own: a result never depends on it). */
export function offsetFinder(timezone: string): (ms: number) => number {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return () => 0;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  const cache = new Map<number, number>();
  return (ms) => {
    const slot = Math.floor(ms / SLOT);
    let off = cache.get(slot);
    if (off === undefined) {
      const at = slot * SLOT;
      const p: Record<string, string> = {};
      for (const part of fmt.formatToParts(new Date(at))) p[part.type] = part.value;
      const year = p.era === 'BC' ? 1 - Number(p.year) : Number(p.year);
      const local = Date.UTC(year, Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
      off = local - at;
      cache.set(slot, off);
    }
    return off;
  };
}

export function applyDateParts(p: DatePartsParams, work: WorkingSet): void {
  const offsetAt = offsetFinder(p.timezone);
  for (const column of p.columns) {
    const src = work.numeric(column).values;
    const n = src.length;
    const outs = p.parts.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const t = src[i] as number;
      if (!Number.isFinite(t)) {
        for (const o of outs) o[i] = NaN;
        continue;
      }
      const parts = calendarParts(t + offsetAt(t));
      p.parts.forEach((part, k) => ((outs[k] as Float64Array)[i] = parts[part]));
    }
    const derived = outs.map((o, k) => numberColumn(datePartName(column, p.parts[k] as string), o));
    work.replace(column, p.keep ? [work.get(column), ...derived] : derived);
  }
}
