/**
 * Bearer-token check, constant-time without hashing per request: the expected token is encoded
 * once, and each request compares its token's bytes with crypto.timingSafeEqual. A token of
 * another length is compared with the expected one itself (the same work: one timingSafeEqual over
 * the expected token's length) before it is refused, so the time does not say whether the length
 * matched nor how many leading bytes did. (The alert receiver hashes both sides with sha256 on
 * every request to reach equal lengths; at the server's request rates that hash was measurable.)
 */
import { timingSafeEqual } from 'node:crypto';

const BEARER = 'bearer ';

/** A checker for `Authorization` header values against one expected token. */
export function tokenChecker(expected: string): (header: string | undefined) => boolean {
  const want = Buffer.from(expected, 'utf8');
  if (want.length === 0) throw new Error('the expected bearer token is empty');
  return (header) => {
    if (header === undefined || header.length <= BEARER.length || header.slice(0, BEARER.length).toLowerCase() !== BEARER) return false;
    const given = Buffer.from(header.slice(BEARER.length), 'utf8');
    if (given.length !== want.length) {
      timingSafeEqual(want, want);
      return false;
    }
    return timingSafeEqual(want, given);
  };
}

/** One-off form of tokenChecker (the server builds its checker once). */
export const tokenMatches = (expected: string, header: string | undefined): boolean => tokenChecker(expected)(header);

/** Paths anyone may call: liveness and readiness probes. */
export const isPublicPath = (url: string): boolean => /^\/(v2\/health\/(live|ready)|ping|health)(\?|$)/.test(url);
