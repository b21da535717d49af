/**
 * The prediction server's bearer-token check (serve/auth.ts): right answers for every form of
 * header, and the same work whatever the token given: one timingSafeEqual over the expected
 * token's length (a token of another length is refused only after comparing the expected token
 * with itself), and no hashing per request.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenChecker, tokenMatches } from '../../serve/auth';

const calls = vi.hoisted(() => ({ equal: [] as [number, number][], hashes: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.equal.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
    createHash: (...args: Parameters<typeof real.createHash>) => {
      calls.hashes++;
      return real.createHash(...args);
    },
  };
});

const TOKEN = 'serve-test-token-0123456789';

describe('bearer token check', () => {
  afterEach(() => {
    calls.equal.length = 0;
    calls.hashes = 0;
  });

  it('accepts exactly the token, with the scheme in any case', () => {
    const check = tokenChecker(TOKEN);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(`bearer ${TOKEN}`)).toBe(true);
    expect(check(`BEARER ${TOKEN}`)).toBe(true);
    expect(tokenMatches(TOKEN, `Bearer ${TOKEN}`)).toBe(true);
  });

  it('refuses a wrong, shorter, longer, empty or missing token and other schemes', () => {
    const check = tokenChecker(TOKEN);
    expect(check(`Bearer ${TOKEN.slice(0, -1)}X`)).toBe(false);
    expect(check(`Bearer ${TOKEN.slice(0, -1)}`)).toBe(false);
    expect(check(`Bearer ${TOKEN}0`)).toBe(false);
    expect(check(`Bearer ${TOKEN} `)).toBe(false);
    expect(check(`Bearer  ${TOKEN}`)).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check('Bearer')).toBe(false);
    expect(check('')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check(TOKEN)).toBe(false);
    expect(check(`Basic ${TOKEN}`)).toBe(false);
    expect(check(`Token ${TOKEN}`)).toBe(false);
  });

  it('compares bytes, not UTF-16 units: a multi-byte token of the same string length is refused', () => {
    const check = tokenChecker('abcdefghijklmnop');
    expect(check('Bearer abcdefghijklmnoé')).toBe(false);
    expect(tokenChecker('ééééééééééééééé')('Bearer ééééééééééééééé')).toBe(true);
  });

  it('does one constant-time comparison over the expected length whatever the given length, and no hashing', () => {
    const check = tokenChecker(TOKEN);
    for (const given of [TOKEN, `${TOKEN.slice(0, -1)}X`, 'x', `${TOKEN}${TOKEN}`, 'a'.repeat(1000)]) {
      calls.equal.length = 0;
      check(`Bearer ${given}`);
      expect(calls.equal, given).toEqual([[TOKEN.length, TOKEN.length]]);
    }
    expect(calls.hashes).toBe(0);
  });

  it('refuses to be built for an empty token', () => {
    expect(() => tokenChecker('')).toThrow(/empty/);
  });
});
