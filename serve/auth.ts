/** Bearer-token check, as the alert receiver does it: constant-time over sha256 digests of both sides. */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function tokenMatches(expected: string, header: string | undefined): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  // Hash both so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(digest(expected), digest(given)) && given.length > 0;
}

/** Paths anyone may call: liveness and readiness probes. */
export const isPublicPath = (url: string): boolean => /^\/(v2\/health\/(live|ready)|ping|health)(\?|$)/.test(url);
