/**
 * The hostile census's vocabulary: a case fires one bad input and returns a probe (what came
 * back); the verdict says whether the answer was the expected kind, named the problem, or told
 * the sender to retry something that can never succeed.
 */

export interface Probe {
  /** `HTTP 400`, `exit 2`, `failed InvalidParams`, `closed after 5.1 s`… */
  status: string;
  /** The error text (or body) the sender saw, trimmed. */
  text: string;
  /** The answer invites a retry: HTTP 5xx/429, a retryable Temporal failure, a CLI "try again". */
  retryable: boolean;
  /** A crash rather than an answer: a stack trace, a 500, a dead connection without a status. */
  crashed?: boolean;
}

export interface CaseSpec {
  group: string;
  name: string;
  /** What a good answer is, shown in the table (`400`, `exit 2`, `non-retryable`, `200`). */
  expect: string;
  accept(p: Probe): boolean;
  /** The problem the answer must name (a field, a key, a rule); null: nothing to name (a success). */
  names: RegExp | null;
  run(): Promise<Probe>;
}

export interface CaseResult {
  group: string;
  name: string;
  expect: string;
  status: string;
  asExpected: boolean;
  namesProblem: boolean | null;
  retryable: boolean;
  crashed: boolean;
  text: string;
}

const oneLine = (s: string, max = 140): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export async function runCase(c: CaseSpec): Promise<CaseResult> {
  let probe: Probe;
  try {
    probe = await c.run();
  } catch (err) {
    // The census's own request failed (connection reset, timeout): recorded as a crash, not hidden.
    probe = { status: 'no answer', text: err instanceof Error ? err.message : String(err), retryable: false, crashed: true };
  }
  return {
    group: c.group,
    name: c.name,
    expect: c.expect,
    status: probe.status,
    asExpected: c.accept(probe),
    namesProblem: c.names === null ? null : c.names.test(probe.text),
    retryable: probe.retryable,
    crashed: probe.crashed ?? false,
    text: oneLine(probe.text),
  };
}

/** Acceptors for the usual expectations. */
export const httpStatus =
  (...codes: number[]) =>
  (p: Probe): boolean =>
    codes.some((c) => p.status === `HTTP ${c}`);
export const exitCode =
  (...codes: number[]) =>
  (p: Probe): boolean =>
    codes.some((c) => p.status === `exit ${c}`);
export const nonRetryableFailure = (p: Probe): boolean => p.status.startsWith('failed ') && !p.retryable;

export interface Finding {
  /** `data loss`, `overwrite`, `champion backwards`… */
  kind: string;
  detail: string;
}

export interface CensusReport {
  results: CaseResult[];
  findings: Finding[];
  checks: string[];
}

export function totals(r: CensusReport): Record<string, number> {
  const rs = r.results;
  return {
    cases: rs.length,
    'answered as expected': rs.filter((x) => x.asExpected).length,
    'error names the problem': rs.filter((x) => x.namesProblem === true).length,
    'error does not name it': rs.filter((x) => x.namesProblem === false).length,
    'permanent error answered as retryable': rs.filter((x) => x.retryable && !x.asExpected).length,
    crashes: rs.filter((x) => x.crashed).length,
    'data loss / overwrite findings': r.findings.length,
  };
}

const pad = (s: string, n: number): string => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));

export function formatTable(r: CensusReport): string {
  const yn = (v: boolean | null): string => (v === null ? '-' : v ? 'yes' : 'NO');
  const head = `${pad('group', 9)} ${pad('case', 46)} ${pad('expect', 14)} ${pad('got', 22)} ok   named retry  answer`;
  const lines = r.results.map(
    (x) =>
      `${pad(x.group, 9)} ${pad(x.name, 46)} ${pad(x.expect, 14)} ${pad(x.status, 22)} ${pad(yn(x.asExpected), 4)} ${pad(yn(x.namesProblem), 5)} ${pad(x.retryable ? 'YES' : 'no', 6)} ${oneLine(x.text, 90)}`,
  );
  const t = totals(r);
  return [
    head,
    '-'.repeat(head.length + 40),
    ...lines,
    '',
    'Data checks:',
    ...r.checks.map((c) => `  ${c}`),
    ...(r.findings.length > 0 ? ['FINDINGS:', ...r.findings.map((f) => `  ${f.kind}: ${f.detail}`)] : ['  no data loss, no overwrite']),
    '',
    'Totals:',
    ...Object.entries(t).map(([k, v]) => `  ${pad(k, 40)} ${v}`),
  ].join('\n');
}
