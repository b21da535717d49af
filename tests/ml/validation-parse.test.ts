/**
 * The fast CSV → Frame path (activities/ml/lib/csv-frame.ts) against the previous behaviour
 * (arquero fromCSV with autoType, then columnFromValues) on seeded random files, plus the cases
 * where it is deliberately stricter or more complete: types over every value, missing-value
 * tokens in number columns, quoting, and malformed CSV reported with its line number.
 */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { CsvCells, numberAt, timestampAt } from '../../ml/io/csv-cells';
import { csvToFrame } from '../../ml/io/csv';
import { columnFromValues, frameToRows, parseIsoTimestamp, type Frame } from '../../ml/frame/frame';
import { parseSourceFrame } from '../../ml/io/parse';
import { createRng } from '../../ml/stats/random';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (text: string, missingValues: string[] = [], delimiter = ','): Frame => csvToFrame(text, { delimiter, missingValues });

/** What parseSourceFrame did before the fast path. */
function previous(text: string, missingValues: string[] = []): Frame {
  const table = aq.fromCSV(text, { autoType: true });
  const columns = table
    .columnNames()
    .map((name) => columnFromValues(name, table.array(name) as ArrayLike<unknown> as unknown[], missingValues));
  return { rows: table.numRows(), columns };
}

/** A seeded CSV whose every column keeps one type from its first row on (what arquero's 1000-row sniffing needs). */
function randomCsv(seed: number, rows: number): string {
  const rand = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const blank = (v: string): string => (rand() < 0.08 ? '' : v);
  // Quoted when it must be (delimiter, quote, line break inside) and now and then when it need not.
  const quote = (v: string): string => (/[",\n]/.test(v) || rand() < 0.1 ? `"${v.replaceAll('"', '""')}"` : v);
  const cols: (() => string)[] = [
    () => blank(String(Math.floor(rand() * 2000) - 1000)),
    () => blank((rand() * 1e6 - 5e5).toFixed(Math.floor(rand() * 6))),
    () => blank(String(rand() * 10 ** Math.floor(rand() * 40 - 20))),
    () =>
      blank(
        pick([
          '1e3',
          '-2.5E-4',
          '.5',
          '5.',
          '+7',
          '0',
          '-0',
          '00012',
          '123456789012345678',
          '0.1',
          '3.14159265358979323846',
          '1e400',
          'Infinity',
          '-Infinity',
        ]),
      ),
    () => blank(pick(['true', 'false'])),
    () => blank(new Date(Date.UTC(2000, 0, 1) + Math.floor(rand() * 1e12)).toISOString()),
    () => blank(new Date(Date.UTC(1990, 0, 1) + Math.floor(rand() * 1e4) * 86_400_000).toISOString().slice(0, 10)),
    () => blank(pick(['red', 'green', 'a "quoted" word', 'comma, inside', 'line\nbreak', 'é ü 漢字', 'x'])),
  ];
  const lines = ['int,dec,float,odd_numbers,flag,time,day,label'];
  for (let r = 0; r < rows; r++) lines.push(cols.map((c) => quote(c())).join(','));
  return `${lines.join(rand() < 0.5 ? '\n' : '\r\n')}\n`;
}

describe('CSV fast path', () => {
  it.each([1, 2, 3, 4, 5])('types and values equal the previous parser on random file %i', (seed) => {
    const text = randomCsv(seed, 400);
    const fast = parse(text);
    const slow = previous(text);
    expect(fast.columns.map((c) => [c.name, c.type])).toEqual([
      ['int', 'number'],
      ['dec', 'number'],
      ['float', 'number'],
      ['odd_numbers', 'number'],
      ['flag', 'boolean'],
      ['time', 'timestamp'],
      ['day', 'timestamp'],
      ['label', 'string'],
    ]);
    expect(fast.columns.map((c) => [c.name, c.type])).toEqual(slow.columns.map((c) => [c.name, c.type]));
    expect(fast.rows).toBe(400);
    expect(frameToRows(fast)).toEqual(frameToRows(slow));
  });

  it('reads numbers exactly as Number() does, on the fast path and off it', () => {
    const rand = createRng(7);
    const samples: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const digits = Array.from({ length: 1 + Math.floor(rand() * 19) }, () => Math.floor(rand() * 10)).join('');
      const dot = Math.floor(rand() * (digits.length + 1));
      let s = rand() < 0.7 ? `${digits.slice(0, dot)}.${digits.slice(dot)}` : digits;
      if (rand() < 0.3) s = `${s}e${Math.floor(rand() * 60 - 30)}`;
      if (rand() < 0.3) s = `-${s}`;
      samples.push(s);
    }
    const cells = new CsvCells(samples.join(','), new Int32Array(0), 0, 0, []);
    let at = 0;
    for (const s of samples) {
      const v = numberAt(cells, at, at + s.length);
      const expected = Number(s);
      if (Number.isNaN(expected)) expect(cells.refused, s).toBe(true);
      else expect(Object.is(v, expected), `${s} → ${v}, Number() says ${expected}`).toBe(true);
      cells.refused = false;
      at += s.length + 1;
    }
  });

  it('reads ISO timestamps exactly as parseIsoTimestamp does', () => {
    const rand = createRng(11);
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    const samples = [
      '2024-02-29',
      '2023-02-29',
      '2024-02-30T00:00:00Z',
      '2024-01-01T23:59:60Z',
      '0050-01-01',
      '2024-01-01T10:00:00.123456Z',
      '2024-01-01 10:00',
      '2024-01-01T10:00:00+0530',
      '2024-01-01T10:00:00-08:00',
      '2024-13-01',
      '2024-1-01',
    ];
    for (let i = 0; i < 5000; i++) {
      const date = `${pad(1900 + Math.floor(rand() * 200), 4)}-${pad(1 + Math.floor(rand() * 12), 2)}-${pad(1 + Math.floor(rand() * 31), 2)}`;
      const time = `${pick2(rand, ['T', ' '])}${pad(Math.floor(rand() * 24), 2)}:${pad(Math.floor(rand() * 60), 2)}`;
      const sec =
        rand() < 0.7
          ? `:${pad(Math.floor(rand() * 60), 2)}${rand() < 0.5 ? `.${pad(Math.floor(rand() * 1000), 1 + Math.floor(rand() * 3))}` : ''}`
          : '';
      const zone = pick2(rand, [
        '',
        'Z',
        `+${pad(Math.floor(rand() * 14), 2)}:${pad(Math.floor(rand() * 4) * 15, 2)}`,
        `-${pad(Math.floor(rand() * 12), 2)}00`,
      ]);
      samples.push(rand() < 0.2 ? date : `${date}${time}${sec}${zone}`);
    }
    const cells = new CsvCells(samples.join(','), new Int32Array(0), 0, 0, []);
    let at = 0;
    for (const s of samples) {
      const v = timestampAt(cells, at, at + s.length);
      const expected = parseIsoTimestamp(s);
      if (Number.isNaN(expected)) expect(cells.refused, s).toBe(true);
      else expect(v, s).toBe(expected);
      cells.refused = false;
      at += s.length + 1;
    }
  });

  it('infers types over every value, not a prefix: a late non-number makes a string column (the previous parser turned it into a silent missing value)', () => {
    const text = `price\n${Array.from({ length: 1500 }, (_, i) => String(i)).join('\n')}\nabc\n`;
    const fast = parse(text);
    expect(fast.columns[0]).toMatchObject({ name: 'price', type: 'string' });
    expect((fast.columns[0]?.values as (string | null)[])[1500]).toBe('abc');
    const slow = previous(text);
    expect(slow.columns[0]?.type).toBe('number'); // the behaviour this replaces
  });

  it('treats blanks and missing-value tokens as missing in every type, also quoted or padded', () => {
    const text = 'n,b,t,s\n1,true,2024-01-01,x\nNA,NA,NA,NA\n"NA",., ,\n" 2 ",FALSE,"2024-01-02T03:04:05Z",NA \n-999,True,2024-01-03,y\n';
    return parseSourceFrame(bytes(text), 'csv', { normalizeColumns: false, missingValues: ['NA', '.', '-999'] }).then((frame) => {
      expect(frame.columns.map((c) => c.type)).toEqual(['number', 'boolean', 'timestamp', 'string']);
      expect(frameToRows(frame)).toEqual([
        { n: 1, b: true, t: '2024-01-01T00:00:00.000Z', s: 'x' },
        { n: null, b: null, t: null, s: null },
        { n: null, b: null, t: null, s: null },
        { n: 2, b: false, t: '2024-01-02T03:04:05.000Z', s: null },
        { n: null, b: true, t: '2024-01-03T00:00:00.000Z', s: 'y' },
      ]);
    });
  });

  it('reads quoted fields: delimiters, doubled quotes and line breaks inside, TSV, CR line ends, and a column of nothing', () => {
    const frame = parse('a,b,empty\r"x, y","say ""hi""",\r"multi\nline",2,\r\r');
    expect(frameToRows(frame)).toEqual([
      { a: 'x, y', b: 'say "hi"', empty: null },
      { a: 'multi\nline', b: '2', empty: null },
    ]);
    expect(frame.columns.map((c) => c.type)).toEqual(['string', 'string', 'string']);
    expect(frameToRows(parse('a\tb\n1\t"t\tab"\n', [], '\t'))).toEqual([{ a: 1, b: 't\tab' }]);
    expect(parse('only,header\n')).toMatchObject({
      rows: 0,
      columns: [
        { name: 'only', type: 'string', values: [] },
        { name: 'header', type: 'string', values: [] },
      ],
    });
  });

  it('keeps pandas-style infinities and NaN as numbers (NaN = missing)', () => {
    const f = parse('x\n1\ninf\n-inf\nInfinity\nnan\nNaN\n');
    expect(f.columns[0]?.type).toBe('number');
    expect(Array.from(f.columns[0]?.values as Float64Array)).toEqual([1, Infinity, -Infinity, Infinity, NaN, NaN]);
  });

  it.each([
    ['a,b\n1,2\n3\n', 'line 3: 1 field, but the header (line 1) has 2: a, b'],
    ['a,b\n1,2\n3,4,5\n', 'line 3: 3 fields, but the header (line 1) has 2: a, b'],
    ['a,b\n1,"x\ny",2\n', 'line 2: 3 fields, but the header (line 1) has 2: a, b'],
    ['a,b\n1,"2\n3,4\n', 'line 2: field 2 opens a quote that is never closed'],
    ['a,b\n"1"x,2\n', 'line 2: unexpected "x" after the closing quote of field 1'],
    ['\n\n', 'line 1: the file is empty: there is no header line'],
    ['a,b,a\n1,2,3\n', 'line 1: the header names column "a" twice (fields 1 and 3)'],
    ['\n\na,b\n1,2\n"3",4,\n', 'line 5: 3 fields, but the header (line 3) has 2: a, b'],
  ])('malformed CSV %j → an error with the line number', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  it('parseSourceFrame renames to snake_case, refuses clashes, and reads JSON as before', async () => {
    const f = await parseSourceFrame(bytes('Beak Length (mm),Sex\n1.5,M\n'), 'csv', { normalizeColumns: true });
    expect(f.columns.map((c) => c.name)).toEqual(['beak_length_mm', 'sex']);
    await expect(parseSourceFrame(bytes('A b,a_b\n1,2\n'), 'csv', { normalizeColumns: true })).rejects.toThrow(
      `columns "A b" and "a_b" both normalize to 'a_b'`,
    );
    await expect(parseSourceFrame(bytes('(),b\n1,2\n'), 'csv', { normalizeColumns: true })).rejects.toThrow(
      'column "()" has no letters or digits',
    );
    const json = await parseSourceFrame(bytes('[{"A":1,"t":"2024-01-01"},{"A":null,"t":"2024-01-02T00:00:00Z"}]'), 'json', {
      normalizeColumns: true,
    });
    expect(json.columns.map((c) => [c.name, c.type])).toEqual([
      ['a', 'number'],
      ['t', 'timestamp'],
    ]);
  });
});

function pick2<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}
