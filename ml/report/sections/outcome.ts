/**
 * Outcome sections: the gate's checks (failing rows and their thresholds highlighted), the
 * registry outcome (version, aliases, promotion or the reason for rejection) and the run's artifacts.
 */
import { esc } from '../escape';
import { fmtCount, fmtNum } from '../format';
import type { ReportArtifact, ReportGate, ReportRegistration } from '../types';
import { badge, code, facts, note, omitted, section, table, type Cell } from './html';

export const MAX_ARTIFACTS = 200;

export function gateSection(g: ReportGate): string {
  const checks = Array.isArray(g.checks) ? g.checks : [];
  const verdict = g.blessed ? badge('BLESSED', 'b-ok') : badge('NOT BLESSED', 'b-error');
  const rows = checks.map((c): (string | Cell)[] => [
    code(c.metric),
    esc(c.kind),
    esc(fmtNum(c.value)),
    c.threshold === undefined ? '–' : c.passed ? esc(c.threshold) : { html: `<mark>${esc(c.threshold)}</mark>`, cls: 'bad' },
    esc(c.baseline === undefined ? '–' : fmtNum(c.baseline)),
    c.passed ? badge('pass', 'b-ok') : badge('FAIL', 'b-error'),
    esc(c.message),
  ]);
  const tbl = checks.length
    ? table(['metric', 'kind', 'value', 'threshold', 'baseline', 'result', 'message'], rows, {
        rowCls: (i) => (checks[i]?.passed ? undefined : 'row-error'),
      })
    : note('No checks were configured.');
  const n = g.note ? `<p class="gate-note">${esc(g.note)}</p>` : '';
  return section(
    'gate',
    'Gate',
    `<p>${verdict} ${esc(checks.filter((c) => c.passed).length)} of ${esc(checks.length)} checks passed.</p>${tbl}${n}`,
  );
}

export function registrationSection(r: ReportRegistration): string {
  const body = facts([
    ['version', r.version === undefined ? '<span class="muted">not registered</span>' : esc(fmtCount(r.version))],
    r.aliases ? ['aliases', r.aliases.length ? r.aliases.map(code).join(' ') : '<span class="muted">none</span>'] : undefined,
    r.promoted === undefined ? undefined : ['promoted to champion', r.promoted ? badge('yes', 'b-ok') : badge('no', 'b-muted')],
    r.rejectedReason ? ['rejected because', `<span class="bad">${esc(r.rejectedReason)}</span>`] : undefined,
  ]);
  return section('registration', 'Registration', body);
}

export function artifactsSection(list: readonly ReportArtifact[]): string {
  if (list.length === 0) return section('artifacts', 'Artifacts', note('No artifacts were recorded.'));
  const shown = list.slice(0, MAX_ARTIFACTS);
  // URIs are text, never links: the report must load nothing, and s3:// is not browsable anyway.
  const rows = shown.map((a) => [esc(a.name), code(a.uri)]);
  return section('artifacts', 'Artifacts', table(['name', 'uri'], rows) + omitted(list.length - shown.length, 'artifacts'));
}
