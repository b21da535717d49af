/** Date helpers shared by workflow code and the CLI (Intl only; no Node APIs). */

/** True when Intl knows the IANA zone (Node ships full ICU, so every IANA name works). */
export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parse an ISO-8601 date or instant; null when it is not one. */
export function parseInstant(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Airflow's `ds`: the date as YYYY-MM-DD in the given IANA timezone. */
export function formatDs(instant: Date, timezone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    instant,
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
