/**
 * Wall-clock times in an IANA zone, without Node APIs (Intl only, so workflow code can use it).
 * A "wall" time is carried as a Date whose UTC fields are the local fields (naive, as Python's
 * datetime without tzinfo): cron arithmetic happens there, like croniter's on naive datetimes.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall time of `instant` in `tz`, as a naive Date (its UTC fields are the local fields). */
export function toWall(instant: Date, tz: string): Date {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const ms = instant.getTime() % 1000;
  return new Date(
    Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
      ms < 0 ? ms + 1000 : ms,
    ),
  );
}

/** UTC offset (ms, local − UTC) in force at `instant`. */
export const offsetAt = (instant: Date, tz: string): number => toWall(instant, tz).getTime() - instant.getTime();

const DAY = 86_400_000;

/**
 * The instant a wall time names in `tz`, with Airflow's rule (`make_aware` sets fold=1, pendulum
 * converts): in a fall-back fold the LATER of the two instants; in a spring-forward gap the wall
 * time shifted forward by the gap (02:30 in a 02:00→03:00 gap is 03:30).
 */
export function fromWall(wall: Date, tz: string): Date {
  const w = wall.getTime();
  // Offsets a day before and after: around one transition they are the old and the new offset.
  const before = offsetAt(new Date(w - DAY), tz);
  const after = offsetAt(new Date(w + DAY), tz);
  const candidates = [...new Set([w - before, w - after])].filter((t) => toWall(new Date(t), tz).getTime() === w);
  if (candidates.length > 0) return new Date(Math.max(...candidates));
  // In a gap: read the wall time with the offset before the transition, which lands after it.
  return new Date(w - before);
}
