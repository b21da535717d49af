/**
 * The one error type commands throw to end the CLI with a message and an exit code.
 * Exit codes follow the usual convention: 1 = the operation failed, 2 = the command line
 * (or the configuration) was wrong and nothing was attempted, 130 = interrupted.
 */

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    /** A follow-up line, e.g. "run 'tideflow trigger --help' for its options". */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, EXIT.usage, hint);
}

/** Secret values taken from the environment, replaced wherever an error message might echo them. */
const SECRET_VARS = ['AWS_SECRET_ACCESS_KEY', 'TEMPORAL_API_KEY', 'AWS_SESSION_TOKEN'] as const;

export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const name of SECRET_VARS) {
    const value = env[name];
    // Very short values would redact ordinary words; such "secrets" are test placeholders anyway.
    if (value !== undefined && value.length >= 4) out = out.split(value).join(`<${name}>`);
  }
  return out;
}

/** Small edit distance, for "did you mean …?" hints on mistyped commands and flags. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
