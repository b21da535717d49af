import { describe, expect, it } from 'vitest';
import { applyDerive, parseDerive } from '../../ml/frame/derive';
import { ExpressionError, parseRowExpression } from '../../ml/frame/expression';
import { applyFilter, parseFilter } from '../../ml/frame/filter';
import { frameFromRows, frameToRows, getColumn } from '../../ml/frame/frame';

/** Hostile inputs: each must be refused before anything is compiled, with what is wrong. */
const HOSTILE: [string, RegExp][] = [
  ['process.exit(1)', /Invalid function call/],
  ['process', /Invalid variable reference: "process"/],
  ['globalThis', /Invalid variable reference/],
  ["require('child_process')", /Invalid function call/],
  ['Function("return process")()', /Invalid function call/],
  ["''.constructor.constructor('return process')()", /Invalid function call/],
  ["''.constructor.constructor`return process```", /template literals/],
  ['`${d.x}`', /template literals/],
  ['d.x.constructor', /property access/],
  ['d.x.__proto__', /property access/],
  ["d.x['constructor']", /property access/],
  ['this', /`this`/],
  ['this.constructor', /property access|`this`/],
  ["import('fs')", /import\(\)/],
  ['d.x = 1', /Assignments not allowed/],
  ['d.x += 1', /Assignments not allowed/],
  ['d.x++', /Update expressions not allowed/],
  ['(d) => d.x', /Function definitions not allowed/],
  ['x => x.constructor', /Function definitions not allowed/],
  ['d => { while (true) {} }', /Function definitions not allowed|loops not allowed/],
  ['new Date()', /new/],
  ['d.x, process', /Invalid variable reference|comma sequences/],
  ['1), (globalThis', /Invalid variable reference|Function definitions|comma sequences/],
  ['d.x?.constructor', /optional chaining/],
  ["'constructor' in d.x", /operator 'in'/],
  ['d.x instanceof Object', /operator 'instanceof'|Invalid variable reference/],
  ['typeof d.x', /operator 'typeof'/],
  ['delete d.x', /operator 'delete'/],
  ['void 0', /operator 'void'/],
  ['$.x', /Invalid (variable|param) reference/],
  ['op.random()', /op.random is not allowed/],
  ['op.now()', /op.now is not allowed/],
  ['op.sequence(0, 1e12)', /op.sequence is not allowed/],
  ['op.repeat(d.s, 1e9)', /op.repeat is not allowed/],
  ['op.mean(d.x)', /aggregate function op.mean/],
  ['op.lag(d.x)', /window function op.lag/],
  ['op.recode(d.s, {__proto__: 1})', /__proto__/],
  ['op.recode(d.s, {[d.s]: 1})', /object entries/],
  ['[...d.s]', /SpreadElement|spread/i],
  ['/a+/', /regular-expression literals/],
  ['d.x )', /not a valid expression/],
  ['', /is empty/],
];

describe('row expressions: what may run', () => {
  it.each(HOSTILE)('refuses %s', (source, why) => {
    let err: unknown;
    try {
      parseRowExpression(source, 'derive.y');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpressionError);
    expect((err as Error).message).toContain(`derive.y: expression '${source}'`);
    expect((err as Error).message).toMatch(why);
  });

  it('never runs a refused expression: a hostile one leaves the process and globals alone', () => {
    const g = globalThis as Record<string, unknown>;
    const frame = frameFromRows([{ s: 'a', x: 1 }]);
    for (const [source] of HOSTILE) {
      expect(() => applyDerive(frame, [{ name: 'y', expression: { source, columns: [], handlesMissing: true } }])).toThrow();
    }
    expect(g['pwned']).toBeUndefined();
    // The same text through the checked path: refused before compiling.
    expect(() => parseDerive({ y: "''.constructor.constructor`globalThis.pwned = 1```" })).toThrow(/template literals/);
    expect(g['pwned']).toBeUndefined();
  });

  it('accepts columns, literals, constants, operators, conditionals and op row functions; lists the columns read', () => {
    expect(parseRowExpression("op.year(d.date) * 100 + op.month(d['flight date']) > 200101 ? 'late' : 'early'", 'f')).toEqual({
      source: "op.year(d.date) * 100 + op.month(d['flight date']) > 200101 ? 'late' : 'early'",
      columns: ['date', 'flight date'],
      handlesMissing: false,
    });
    expect(parseRowExpression('Math.max(d.a, 0) ** 2 + Math.PI - NaN', 'f').columns).toEqual(['a']);
    expect(parseRowExpression("op.includes(['JFK', 'LGA'], d.origin) && !(d.delay < -5)", 'f').columns).toEqual(['origin', 'delay']);
    expect(parseRowExpression("op.recode(d.s, {a: 'x', 'b c': 'y'}, '?')", 'f').columns).toEqual(['s']);
    for (const s of ['d.a ?? 0', 'd.a == null', 'd.a !== undefined', 'op.is_nan(d.a)'])
      expect(parseRowExpression(s, 'f').handlesMissing).toBe(true);
  });
});

describe('derive', () => {
  const frame = frameFromRows([
    { delay: 20, date: '2001-01-05T10:00:00Z', origin: 'JFK', dist: 100 },
    { delay: 3, date: '2001-02-05T23:00:00Z', origin: 'SFO', dist: 2500 },
    { delay: null, date: null, origin: null, dist: 300 },
  ]);

  it('types results: boolean, number, string, timestamp; missing inputs give missing results', () => {
    const out = applyDerive(
      frame,
      parseDerive({
        delayed: 'd.delay > 15',
        hour: 'op.utchours(d.date)',
        route: "d.origin + '-' + 'X'",
        day: 'op.datetime(op.utcyear(d.date), op.utcmonth(d.date), op.utcdate(d.date))',
        long: 'd.dist > 1000',
      }),
    );
    expect(out.columns.map((c) => [c.name, c.type])).toEqual([
      ['delay', 'number'],
      ['date', 'timestamp'],
      ['origin', 'string'],
      ['dist', 'number'],
      ['delayed', 'boolean'],
      ['hour', 'number'],
      ['route', 'string'],
      ['day', 'timestamp'],
      ['long', 'boolean'],
    ]);
    const rows = frameToRows(out);
    expect(rows.map((r) => r['delayed'])).toEqual([true, false, null]);
    expect(rows.map((r) => r['hour'])).toEqual([10, 23, null]);
    expect(rows.map((r) => r['route'])).toEqual(['JFK-X', 'SFO-X', null]);
    expect(rows.map((r) => r['long'])).toEqual([false, true, false]);
    expect(getColumn(out, 'day').type).toBe('timestamp');
  });

  it('an expression that handles missing values itself sees them; later expressions read earlier ones; a name that exists is replaced', () => {
    const out = applyDerive(frame, parseDerive({ d2: 'd.delay ?? -1', dist: 'd.dist / 100', big: 'd.d2 > 10' }));
    const rows = frameToRows(out);
    expect(rows.map((r) => r['d2'])).toEqual([20, 3, -1]);
    expect(rows.map((r) => r['dist'])).toEqual([1, 25, 3]);
    expect(rows.map((r) => r['big'])).toEqual([true, false, false]);
    expect(out.columns.filter((c) => c.name === 'dist')).toHaveLength(1);
  });

  it('errors name the step and the expression: unknown column, non-scalar results', () => {
    expect(() => applyDerive(frame, parseDerive({ y: 'd.nope + 1' }))).toThrow(
      /derive\.y: expression 'd\.nope \+ 1': column 'nope' does not exist \(columns: delay, date, origin, dist\)/,
    );
    expect(() => applyDerive(frame, parseDerive({ y: "op.split(d.origin, 'F')" }))).toThrow(/derive\.y: .* gave an array at row 0/);
    // 'constructor' is a name on every object's prototype: still only a column that exists.
    expect(() => applyDerive(frame, parseDerive({ y: "d['constructor']" }))).toThrow(/column 'constructor' does not exist/);
  });
});

describe('filter', () => {
  const frame = frameFromRows([
    { x: 1, s: 'a' },
    { x: 5, s: 'b' },
    { x: null, s: 'c' },
    { x: 9, s: null },
  ]);

  it('keeps rows where every predicate is true; a missing result drops the row; counts what each removed', () => {
    const r = applyFilter(frame, parseFilter(['d.x > 2', "d.s != 'z'"]));
    expect(frameToRows(r.frame)).toEqual([{ x: 5, s: 'b' }]);
    expect(r.removed).toEqual([
      { expression: 'd.x > 2', rows: 2 },
      { expression: "d.s != 'z'", rows: 1 },
    ]);
    expect(frameToRows(applyFilter(frame, parseFilter('d.x == null || d.x < 2')).frame).map((r) => r['s'])).toEqual(['a', 'c']);
  });

  it('a predicate that is not true/false is an error naming it', () => {
    expect(() => applyFilter(frame, parseFilter(['d.x > 0', 'd.x']))).toThrow(
      /filter\[1\]: expression 'd.x' gave 1 at row 0: a filter must give true or false/,
    );
    expect(() => parseFilter(['d.x > 0', 'process.exit()'])).toThrow(/filter\[1\]: expression 'process.exit\(\)': Invalid function call/);
  });
});
