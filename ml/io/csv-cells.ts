/**
 * Reading one CSV cell as a number, boolean or timestamp straight from the text, by its
 * [start, end) range (./csv-frame.ts), without making a string on the common path.
 *
 * Each reader returns the value, NaN for a missing cell (blank, or a `missingValues` token), and
 * sets `cells.refused` when the cell is a value of another type. The fast paths cover plain
 * decimals and the usual ISO-8601 shapes; anything else goes through the exact string rules
 * (Number(), ./frame.ts parseIsoTimestamp), so fast and slow paths always agree.
 */
import { parseIsoTimestamp } from '../frame/frame';

/** The parsed text and the field offsets, plus the missing-value tokens and the refusal flag. */
export class CsvCells {
  /** Set by a reader when the cell is not of its type; the caller clears it. */
  refused = false;
  readonly tokens: ReadonlySet<string>;
  /** tokenLength[n]: some token has n characters (a cheap filter before comparing). */
  private readonly tokenLength = new Uint8Array(65);
  private readonly tokenList: string[];

  constructor(
    readonly text: string,
    readonly offsets: Int32Array,
    readonly stride: number,
    readonly rows: number,
    missingValues: readonly string[],
  ) {
    this.tokenList = [...new Set(missingValues.map((t) => t.trim()).filter((t) => t !== ''))];
    this.tokens = new Set(this.tokenList);
    for (const t of this.tokenList) if (t.length <= 64) this.tokenLength[t.length] = 1;
  }

  /** The unquoted cell [s, e) equals a token exactly (no surrounding blanks: those take the slow path). */
  isToken(s: number, e: number): boolean {
    const len = e - s;
    if (len > 64 || this.tokenLength[len] !== 1) return false;
    const text = this.text;
    outer: for (const t of this.tokenList) {
      if (t.length !== len) continue;
      for (let i = 0; i < len; i++) if (text.charCodeAt(s + i) !== t.charCodeAt(i)) continue outer;
      return true;
    }
    return false;
  }

  /** The cell as a trimmed string (quotes removed), for the slow paths. */
  trimmed(s: number, e: number): string {
    if (s >= 0) return this.text.slice(s, e).trim();
    const raw = this.text.slice(-s - 1, e);
    return (raw.includes('"') ? raw.replaceAll('""', '"') : raw).trim();
  }

  isMissingString(t: string): boolean {
    return t === '' || this.tokens.has(t);
  }
}

/** Blank, or a missing-value token. */
export function isMissingText(c: CsvCells, s: number, e: number): boolean {
  if (s === e) return true;
  if (s >= 0 && c.isToken(s, e)) return true;
  const first = s >= 0 ? c.text.charCodeAt(s) : 0;
  const last = s >= 0 ? c.text.charCodeAt(e - 1) : 0;
  // Only cells that start or end with a blank (or are quoted) can trim to a token or to ''.
  if (s >= 0 && first > 32 && last > 32) return false;
  return c.isMissingString(c.trimmed(s, e));
}

// 10^0 … 10^22 are exact doubles: m / 10^k and m · 10^k are then correctly rounded (Clinger's fast path).
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['nan', NaN],
  ['+nan', NaN],
  ['-nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-inf', -Infinity],
  ['-infinity', -Infinity],
]);

/** A number as JavaScript's Number() reads it, plus NaN / inf / infinity in any case (pandas writes 'inf'). */
export function numberFromString(t: string): number | undefined {
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  return SPECIAL_NUMBERS.get(t.toLowerCase());
}

function numberSlow(c: CsvCells, s: number, e: number): number {
  const text = c.text;
  if (s >= 0 && text.charCodeAt(s) > 32 && text.charCodeAt(e - 1) > 32 && !c.isToken(s, e)) {
    // No blanks around it and not a token: just a long or unusual number (e.g. 17 significant digits).
    const v = Number(text.slice(s, e));
    if (v === v) return v;
  }
  const t = c.trimmed(s, e);
  if (c.isMissingString(t)) return NaN;
  const v = numberFromString(t);
  if (v === undefined) c.refused = true;
  return v ?? NaN;
}

/** The cell as a number; NaN when missing (or 'NaN'); refused when not a number. */
export function numberAt(c: CsvCells, s: number, e: number): number {
  if (s === e) return NaN;
  if (s < 0 || c.isToken(s, e)) return numberSlow(c, s, e);
  const text = c.text;
  let i = s;
  let ch = text.charCodeAt(i);
  let neg = false;
  if (ch === 45 || ch === 43) {
    neg = ch === 45;
    if (++i === e) return numberSlow(c, s, e);
    ch = text.charCodeAt(i);
  }
  let mant = 0;
  let digits = 0;
  let exp = 0;
  while (ch >= 48 && ch <= 57) {
    mant = mant * 10 + (ch - 48);
    digits++;
    if (++i === e) break;
    ch = text.charCodeAt(i);
  }
  if (i < e && ch === 46) {
    i++;
    ch = i < e ? text.charCodeAt(i) : 0;
    while (i < e && ch >= 48 && ch <= 57) {
      mant = mant * 10 + (ch - 48);
      digits++;
      exp--;
      if (++i < e) ch = text.charCodeAt(i);
    }
  }
  if (digits === 0 || digits > 15) return numberSlow(c, s, e);
  if (i < e) {
    if (ch !== 101 && ch !== 69) return numberSlow(c, s, e);
    let eneg = false;
    if (++i === e) return numberSlow(c, s, e);
    ch = text.charCodeAt(i);
    if (ch === 45 || ch === 43) {
      eneg = ch === 45;
      if (++i === e) return numberSlow(c, s, e);
      ch = text.charCodeAt(i);
    }
    let ev = 0;
    const start = i;
    while (i < e && ch >= 48 && ch <= 57 && ev < 1000) {
      ev = ev * 10 + (ch - 48);
      if (++i < e) ch = text.charCodeAt(i);
    }
    if (i !== e || i === start) return numberSlow(c, s, e);
    exp += eneg ? -ev : ev;
  }
  let v: number;
  if (exp === 0) v = mant;
  else if (exp < 0 && exp >= -22) v = mant / (POW10[-exp] as number);
  else if (exp > 0 && exp <= 22 && mant * (POW10[exp] as number) <= Number.MAX_SAFE_INTEGER) v = mant * (POW10[exp] as number);
  else return numberSlow(c, s, e);
  return neg ? -v : v;
}

/** The cell as 1 (true) / 0 (false), in any letter case; NaN when missing; refused otherwise. */
export function boolAt(c: CsvCells, s: number, e: number): number {
  if (s === e) return NaN;
  if (s >= 0 && !c.isToken(s, e)) {
    const t = c.text;
    const len = e - s;
    if (
      len === 4 &&
      (t.charCodeAt(s) | 32) === 116 &&
      (t.charCodeAt(s + 1) | 32) === 114 &&
      (t.charCodeAt(s + 2) | 32) === 117 &&
      (t.charCodeAt(s + 3) | 32) === 101
    )
      return 1;
    if (
      len === 5 &&
      (t.charCodeAt(s) | 32) === 102 &&
      (t.charCodeAt(s + 1) | 32) === 97 &&
      (t.charCodeAt(s + 2) | 32) === 108 &&
      (t.charCodeAt(s + 3) | 32) === 115 &&
      (t.charCodeAt(s + 4) | 32) === 101
    )
      return 0;
  }
  const t = c.trimmed(s, e);
  if (c.isMissingString(t)) return NaN;
  const lower = t.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  c.refused = true;
  return NaN;
}

function timestampSlow(c: CsvCells, s: number, e: number): number {
  const t = c.trimmed(s, e);
  if (c.isMissingString(t)) return NaN;
  const v = parseIsoTimestamp(t);
  if (Number.isNaN(v)) c.refused = true;
  return v;
}

/** The digit at text[i], or -1000 for anything else (so a field built from it goes negative → slow path). */
function digitAt(text: string, i: number): number {
  const v = text.charCodeAt(i) - 48;
  return v >= 0 && v <= 9 ? v : -1000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The cell as epoch ms (ISO-8601 as parseIsoTimestamp reads it); NaN when missing; refused otherwise. */
export function timestampAt(c: CsvCells, s: number, e: number): number {
  if (s === e) return NaN;
  if (s < 0 || c.isToken(s, e)) return timestampSlow(c, s, e);
  const t = c.text;
  const len = e - s;
  if (len < 10 || t.charCodeAt(s + 4) !== 45 || t.charCodeAt(s + 7) !== 45) return timestampSlow(c, s, e);
  const year = digitAt(t, s + 0) * 1000 + digitAt(t, s + 1) * 100 + digitAt(t, s + 2) * 10 + digitAt(t, s + 3);
  const month = digitAt(t, s + 5) * 10 + digitAt(t, s + 6);
  const day = digitAt(t, s + 8) * 10 + digitAt(t, s + 9);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const dim = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  // Years below 100 (Date.UTC maps them to 19xx) and impossible dates: the exact slow path decides.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > dim) return timestampSlow(c, s, e);
  if (len === 10) return Date.UTC(year, month - 1, day);
  const sep = t.charCodeAt(s + 10);
  if (len < 16 || (sep !== 84 && sep !== 32) || t.charCodeAt(s + 13) !== 58) return timestampSlow(c, s, e);
  const hour = digitAt(t, s + 11) * 10 + digitAt(t, s + 12);
  const minute = digitAt(t, s + 14) * 10 + digitAt(t, s + 15);
  let second = 0;
  let ms = 0;
  let i = 16;
  if (i < len && t.charCodeAt(s + i) === 58) {
    if (i + 3 > len) return timestampSlow(c, s, e);
    second = digitAt(t, s + i + 1) * 10 + digitAt(t, s + i + 2);
    i += 3;
    if (i < len && t.charCodeAt(s + i) === 46) {
      i++;
      let k = 0;
      while (i < len && digitAt(t, s + i) >= 0) {
        if (k < 3) ms = ms * 10 + digitAt(t, s + i);
        k++;
        i++;
      }
      if (k === 0 || k > 9) return timestampSlow(c, s, e);
      for (let pad = k; pad < 3; pad++) ms *= 10;
    }
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return timestampSlow(c, s, e);
  let offset = 0;
  if (i < len) {
    const z = t.charCodeAt(s + i);
    if (z === 90 && i + 1 === len) offset = 0;
    else if ((z === 43 || z === 45) && (len - i === 6 || len - i === 5)) {
      const colon = len - i === 6;
      if (colon && t.charCodeAt(s + i + 3) !== 58) return timestampSlow(c, s, e);
      const oh = digitAt(t, s + i + 1) * 10 + digitAt(t, s + i + 2);
      const om = colon ? digitAt(t, s + i + 4) * 10 + digitAt(t, s + i + 5) : digitAt(t, s + i + 3) * 10 + digitAt(t, s + i + 4);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return timestampSlow(c, s, e);
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om) * 60000;
    } else return timestampSlow(c, s, e);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}
